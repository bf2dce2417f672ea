package kg.procedures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

/**
 * The chain search of src/translate/chain.ts as a Neo4j procedure: the same beam search, step for
 * step, with the same answers (a test runs both on the same graphs and compares them), without the
 * Cypher runtime's cost per row: a 5-hop search on the 1M-link benchmark graph spends its time in
 * Java loops instead of ten operators per partial chain. It uses only the public procedure API, so
 * any Neo4j 5.26 that has plugins/kg-procedures.jar in its plugins directory offers it (the
 * embedded launcher, docker-compose, a self-managed server); the service calls it where the
 * database has it and runs the Cypher otherwise (Aura, which takes no custom plugins).
 */
public class BeamSearch {
  private static final Label ENTITY = Label.label("Entity");
  private static final RelationshipType LINK = RelationshipType.withName("LINK");
  private static final RelationshipType STRONGEST_OUT = RelationshipType.withName("STRONGEST_OUT");
  private static final RelationshipType STRONGEST_IN = RelationshipType.withName("STRONGEST_IN");

  @Context public TerminationGuard guard;

  /** One row: every chain found (as the Cypher's `found`), each {nodes, ids, score}. */
  public static class Found {
    public List<Map<String, Object>> found;

    Found(List<Map<String, Object>> found) {
      this.found = found;
    }
  }

  /** A partial chain: its entities and links in walk order, and the product of link scores. */
  private record Path(Node[] nodes, Step[] steps, double score) {
    Node last() {
      return nodes[nodes.length - 1];
    }

    boolean visits(Node node) {
      for (Node n : nodes) if (n.equals(node)) return true;
      return false;
    }

    Path extend(Step step) {
      Node[] ns = Arrays.copyOf(nodes, nodes.length + 1);
      ns[nodes.length] = step.m;
      Step[] ss = Arrays.copyOf(steps, steps.length + 1);
      ss[steps.length] = step;
      return new Path(ns, ss, score * step.rscore);
    }
  }

  /**
   * One way out of an entity: a link, its score and the entity it leads to. The link's id is read
   * only when needed (a tie on score, an answer): decoding every candidate's id string was the
   * search's largest cost. An entity's shortcut steps are made once per search, so their ids are
   * read at most once.
   */
  private static final class Step {
    final Relationship link;
    final String idKey;
    final double rscore;
    final Node m;
    private String rid;

    Step(Relationship link, String idKey, double rscore, Node m) {
      this.link = link;
      this.idKey = idKey;
      this.rscore = rscore;
      this.m = m;
    }

    String rid() {
      if (rid == null) rid = (String) link.getProperty(idKey);
      return rid;
    }
  }

  private static final Comparator<Path> BY_SCORE = (x, y) -> Double.compare(y.score(), x.score());

  /** Cypher's `ORDER BY p.score DESC, p.ids`: lists of ids compare element by element. */
  private static final Comparator<Path> BEST_FIRST =
      (x, y) -> {
        int byScore = Double.compare(y.score(), x.score());
        if (byScore != 0) return byScore;
        int shared = Math.min(x.steps().length, y.steps().length);
        for (int i = 0; i < shared; i++) {
          Step a = x.steps()[i];
          Step b = y.steps()[i];
          if (a == b) continue; // the same link, read once: common prefixes cost nothing
          int byId = a.rid().compareTo(b.rid());
          if (byId != 0) return byId;
        }
        return Integer.compare(x.steps().length, y.steps().length);
      };

  @Procedure(name = "kg.beamSearch", mode = Mode.READ)
  @Description(
      "The service's chain search (src/translate/chain.ts): every chain found from `start` (to `target` when given).")
  public Stream<Found> beamSearch(
      @Name("start") Node start,
      @Name("target") Node target,
      @Name("direction") String direction,
      @Name("hops") long hops,
      @Name("beam") long beam,
      @Name("perEntity") long perEntity,
      @Name("fanout") long fanout,
      @Name("predicates") List<String> predicates) {
    // Bounds as the service's (chain.ts): whoever else calls this gets an error, not a runaway.
    if (!"OUT".equals(direction) && !"IN".equals(direction)) throw new IllegalArgumentException("direction must be OUT or IN");
    if (hops < 1 || hops > 6) throw new IllegalArgumentException("hops must be 1..6");
    if (beam < 1 || beam > 1000 || perEntity < 1 || perEntity > 1000 || fanout < 1 || fanout > 1000) {
      throw new IllegalArgumentException("beam, perEntity and fanout must be 1..1000");
    }
    boolean out = "OUT".equals(direction);
    Set<String> filter = predicates == null || predicates.isEmpty() ? null : new HashSet<>(predicates);
    List<Path> frontier = List.of(new Path(new Node[] {start}, new Step[0], 1.0));
    List<Map<String, Object>> found = new ArrayList<>();
    IntoTarget into = target == null ? null : new IntoTarget(target, filter);
    // An entity recurs on the frontier hop after hop: its links are read once per search.
    Map<Node, List<Step>> strongestOf = new HashMap<>();
    for (long level = 1; level <= hops; level++) {
      guard.check();
      boolean last = level == hops;
      // Each entity is expanded once per hop, however many partial chains end there.
      Map<Node, List<Path>> byEnd = new LinkedHashMap<>();
      for (Path f : frontier) byEnd.computeIfAbsent(f.last(), k -> new ArrayList<>()).add(f);
      List<Path> candidates = new ArrayList<>();
      for (Map.Entry<Node, List<Path>> group : byEnd.entrySet()) {
        List<Step> steps = new ArrayList<>();
        if (target == null || !last) {
          steps.addAll(strongestOf.computeIfAbsent(group.getKey(), n -> strongest(n, out, filter, fanout)));
        }
        if (target != null) {
          // As Cypher's UNION: a link into the target that is also a shortcut counts once.
          for (Step s : into.from(group.getKey())) if (!hasSame(steps, s)) steps.add(s);
        }
        for (Path f : group.getValue()) {
          for (Step s : steps) if (!f.visits(s.m)) candidates.add(f.extend(s));
        }
      }
      // Best first, as Cypher's ORDER BY p.score DESC, p.ids. Ties on score are ordered by ids only
      // where their order decides something (which chains an entity keeps, which enter the beam):
      // reading every candidate's link ids to sort ties nobody looks at was most of the cost.
      candidates.sort(BY_SCORE);
      // At most perEntity partial chains per entity reached (every one reaching the target).
      Map<Node, Integer> kept = new HashMap<>();
      List<Path> next = new ArrayList<>();
      for (int i = 0, j; i < candidates.size(); i = j) {
        double score = candidates.get(i).score();
        j = i + 1;
        while (j < candidates.size() && Double.compare(candidates.get(j).score(), score) == 0) j++;
        List<Path> tie = candidates.subList(i, j);
        if (tie.size() > 1 && orderMatters(tie, target, beam - next.size())) tie.sort(BEST_FIRST);
        for (Path p : tie) {
          Node m = p.last();
          if (target != null && m.equals(target)) {
            found.add(asMap(p));
            continue;
          }
          int count = kept.merge(m, 1, Integer::sum);
          if (count > perEntity) continue;
          if (target == null) found.add(asMap(p));
          if (next.size() < beam) next.add(p);
        }
      }
      frontier = next;
    }
    return Stream.of(new Found(found));
  }

  /** The entity's `fanout` strongest links that way: its shortcuts, or ranked here when filtered. */
  private static List<Step> strongest(Node n, boolean out, Set<String> filter, long fanout) {
    List<Step> steps = new ArrayList<>();
    if (filter == null) {
      Direction d = out ? Direction.OUTGOING : Direction.INCOMING;
      try (var rels = n.getRelationships(d, out ? STRONGEST_OUT : STRONGEST_IN)) {
        for (Relationship r : rels) steps.add(new Step(r, "linkId", asScore(r.getProperty("score", null)), r.getOtherNode(n)));
      }
      return steps;
    }
    try (var rels = n.getRelationships(out ? Direction.OUTGOING : Direction.INCOMING, LINK)) {
      for (Relationship r : rels) {
        Map<String, Object> props = r.getProperties("id", "score", "predicate");
        Node m = r.getOtherNode(n);
        if (!filter.contains(props.get("predicate")) || !m.hasLabel(ENTITY)) continue;
        Step step = new Step(r, "id", asScore(props.get("score")), m);
        step.rid = (String) props.get("id");
        steps.add(step);
      }
    }
    steps.sort(
        (x, y) -> {
          int byScore = Double.compare(y.rscore, x.rscore);
          return byScore != 0 ? byScore : x.rid().compareTo(y.rid());
        });
    return steps.size() > fanout ? steps.subList(0, (int) fanout) : steps;
  }

  /**
   * Links straight into the target, per entity. An entity's own links are read while that costs
   * less in all than reading the target's incoming links once; then those are indexed by their
   * start, and every later entity (hubs recur on the frontier hop after hop) is one lookup.
   */
  private static final class IntoTarget {
    private final Node target;
    private final Set<String> filter;
    private final long targetDegree;
    private long scanned;
    private Map<Node, List<Relationship>> byStart;

    IntoTarget(Node target, Set<String> filter) {
      this.target = target;
      this.filter = filter;
      this.targetDegree = target.getDegree(LINK, Direction.INCOMING);
    }

    List<Step> from(Node n) {
      if (byStart == null) {
        long degree = n.getDegree(LINK, Direction.OUTGOING);
        if (scanned + degree <= targetDegree) {
          scanned += degree;
          List<Step> steps = new ArrayList<>();
          try (var rels = n.getRelationships(Direction.OUTGOING, LINK)) {
            for (Relationship r : rels) if (r.getEndNode().equals(target) && passes(r)) steps.add(step(r));
          }
          return steps;
        }
        byStart = new HashMap<>();
        try (var rels = target.getRelationships(Direction.INCOMING, LINK)) {
          for (Relationship r : rels) byStart.computeIfAbsent(r.getStartNode(), k -> new ArrayList<>()).add(r);
        }
      }
      List<Step> steps = new ArrayList<>();
      for (Relationship r : byStart.getOrDefault(n, List.of())) if (passes(r)) steps.add(step(r));
      return steps;
    }

    private boolean passes(Relationship r) {
      return filter == null || filter.contains(r.getProperty("predicate", null));
    }

    private Step step(Relationship r) {
      return new Step(r, "id", asScore(r.getProperty("score", null)), target);
    }
  }

  /** A link's score as Cypher's `coalesce(r.score, 0.0)`. */
  private static double asScore(Object score) {
    return score == null ? 0.0 : ((Number) score).doubleValue();
  }

  /**
   * Whether the order within a tie on score changes the outcome: two of its chains end at the same
   * entity (per-entity cap), or it holds more chains than the beam has room for. Chains reaching
   * the target are all kept, in any order (the caller sorts the answers).
   */
  private static boolean orderMatters(List<Path> tie, Node target, long room) {
    Set<Node> ends = new HashSet<>();
    int open = 0;
    for (Path p : tie) {
      Node m = p.last();
      if (m.equals(target)) continue;
      open++;
      if (!ends.add(m) && (target == null || room > 0)) return true;
    }
    return room > 0 && open > room;
  }

  private static boolean hasSame(List<Step> steps, Step s) {
    for (Step t : steps) if (t.m.equals(s.m) && t.rscore == s.rscore && t.rid().equals(s.rid())) return true;
    return false;
  }

  private static Map<String, Object> asMap(Path p) {
    List<String> ids = new ArrayList<>(p.steps().length);
    for (Step s : p.steps()) ids.add(s.rid());
    return Map.of("nodes", Arrays.asList(p.nodes()), "ids", ids, "score", p.score());
  }
}
