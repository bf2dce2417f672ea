package kg.procedures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

/**
 * The strongest-link shortcuts of src/graph/strongest-links.ts, rebuilt as a procedure: the same
 * result as that file's Cypher (a test runs both on the same graphs and compares every shortcut),
 * for the bulk paths that rebuild them for many entities at once (a KGX import, a bulk load). The
 * Cypher reads each entity's links and shortcuts four times in four subqueries; this reads each
 * once. Writers that touch a few entities per request keep the Cypher, which needs no plugin.
 *
 * For each entity and each way: its `fanout` best LINKs to entities (score descending, a missing
 * score as 0.0, then link id) become shortcuts; a shortcut of a link no longer among them, or a
 * second copy, is deleted; a kept one gets its new rank and score where they differ.
 */
public class StrongestLinks {
  private static final Label ENTITY = Label.label("Entity");
  private static final RelationshipType LINK = RelationshipType.withName("LINK");
  private static final RelationshipType STRONGEST_OUT = RelationshipType.withName("STRONGEST_OUT");
  private static final RelationshipType STRONGEST_IN = RelationshipType.withName("STRONGEST_IN");

  @Context public Transaction tx;
  @Context public TerminationGuard guard;

  /** One row: how many entities were found and what changed. */
  public static class Refreshed {
    public long entities;
    public long created;
    public long updated;
    public long deleted;
  }

  private record Candidate(String id, double score, Node other) {}

  @Procedure(name = "kg.refreshStrongestLinks", mode = Mode.WRITE)
  @Description(
      "Rebuilds the STRONGEST_OUT and STRONGEST_IN shortcuts of the entities with the given ids (src/graph/strongest-links.ts).")
  public Stream<Refreshed> refreshStrongestLinks(@Name("ids") List<String> ids, @Name("fanout") long fanout) {
    if (ids == null) throw new IllegalArgumentException("ids must be a list of entity ids");
    if (fanout < 1 || fanout > 1000) throw new IllegalArgumentException("fanout must be 1..1000");
    Refreshed counts = new Refreshed();
    for (String id : new LinkedHashSet<>(ids)) {
      guard.check();
      Node entity = id == null ? null : tx.findNode(ENTITY, "id", id);
      if (entity == null) continue;
      counts.entities++;
      refresh(entity, true, (int) fanout, counts);
      refresh(entity, false, (int) fanout, counts);
    }
    return Stream.of(counts);
  }

  private static void refresh(Node entity, boolean out, int fanout, Refreshed counts) {
    Direction way = out ? Direction.OUTGOING : Direction.INCOMING;
    List<Candidate> links = new ArrayList<>();
    try (var rels = entity.getRelationships(way, LINK)) {
      for (Relationship r : rels) {
        Node other = r.getOtherNode(entity);
        if (!other.hasLabel(ENTITY)) continue;
        Map<String, Object> props = r.getProperties("id", "score");
        Object score = props.get("score");
        links.add(new Candidate((String) props.get("id"), score == null ? 0.0 : ((Number) score).doubleValue(), other));
      }
    }
    links.sort(
        (x, y) -> {
          int byScore = Double.compare(y.score(), x.score());
          return byScore != 0 ? byScore : x.id().compareTo(y.id());
        });
    List<Candidate> top = links.size() > fanout ? links.subList(0, fanout) : links;
    Map<String, Integer> rankOf = new HashMap<>();
    for (int rank = 0; rank < top.size(); rank++) rankOf.putIfAbsent(top.get(rank).id(), rank);

    // Collected first: deleting while the store iterates the same chain is not relied on.
    RelationshipType shortcutType = out ? STRONGEST_OUT : STRONGEST_IN;
    List<Relationship> shortcuts = new ArrayList<>();
    try (var rels = entity.getRelationships(out ? Direction.OUTGOING : Direction.INCOMING, shortcutType)) {
      for (Relationship s : rels) shortcuts.add(s);
    }
    Set<String> kept = new HashSet<>();
    for (Relationship s : shortcuts) {
      Object linkId = s.getProperty("linkId", null);
      Integer rank = linkId instanceof String key ? rankOf.get(key) : null;
      if (rank == null || !kept.add((String) linkId)) {
        s.delete();
        counts.deleted++;
        continue;
      }
      double score = top.get(rank).score();
      Object oldRank = s.getProperty("rank", null);
      Object oldScore = s.getProperty("score", null);
      boolean sameRank = oldRank instanceof Number n && n.longValue() == rank;
      boolean sameScore = oldScore instanceof Number n && n.doubleValue() == score;
      if (sameRank && sameScore) continue;
      s.setProperty("rank", (long) rank);
      s.setProperty("score", score);
      counts.updated++;
    }
    for (int rank = 0; rank < top.size(); rank++) {
      Candidate t = top.get(rank);
      if (kept.contains(t.id()) || rankOf.get(t.id()) != rank) continue;
      Relationship s = out ? entity.createRelationshipTo(t.other(), STRONGEST_OUT) : t.other().createRelationshipTo(entity, STRONGEST_IN);
      s.setProperty("linkId", t.id());
      s.setProperty("score", t.score());
      s.setProperty("rank", (long) rank);
      counts.created++;
    }
  }
}
