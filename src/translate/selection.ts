/**
 * Reads the GraphQL selection under a field into a plain tree of requested fields (response
 * key, field name, coerced arguments, sub-selection), following fragments and @skip/@include,
 * so that one Cypher query can fetch exactly what was asked.
 */
import {
  type FieldNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type SelectionSetNode,
} from "graphql";

export interface FieldSelection {
  /** The response key: the alias when there is one. */
  key: string;
  name: string;
  args: Record<string, unknown>;
  /** Sub-selections, per concrete type name (one entry for object types). */
  children: Map<string, FieldSelection[]>;
}

type Info = Pick<GraphQLResolveInfo, "schema" | "fragments" | "variableValues">;

function included(info: Info, node: { directives?: readonly import("graphql").DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
  return include?.if !== false;
}

function appliesTo(info: Info, typeCondition: string | undefined, concrete: string): boolean {
  if (!typeCondition || typeCondition === concrete) return true;
  const condition = info.schema.getType(typeCondition);
  const target = info.schema.getType(concrete);
  if (!condition || !target || !isObjectType(target)) return false;
  return isAbstractType(condition) && info.schema.isSubType(condition, target);
}

/** Field nodes of `selectionSet` that apply to the concrete type, grouped by response key. */
function collectFieldNodes(
  info: Info,
  concrete: string,
  selectionSet: SelectionSetNode | undefined,
  into = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet?.selections ?? []) {
    if (!included(info, selection)) continue;
    if (selection.kind === "Field") {
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), selection]);
    } else if (selection.kind === "InlineFragment") {
      if (appliesTo(info, selection.typeCondition?.name.value, concrete)) {
        collectFieldNodes(info, concrete, selection.selectionSet, into, visited);
      }
    } else {
      const name = selection.name.value;
      const fragment = info.fragments[name];
      if (!fragment || visited.has(name)) continue;
      visited.add(name);
      if (appliesTo(info, fragment.typeCondition.name.value, concrete)) {
        collectFieldNodes(info, concrete, fragment.selectionSet, into, visited);
      }
    }
  }
  return into;
}

function concreteTypes(info: Info, type: GraphQLNamedType): string[] {
  if (isAbstractType(type)) return info.schema.getPossibleTypes(type).map((t) => t.name);
  return [type.name];
}

/** The fields requested of `typeName` by the given field nodes' selection sets. */
export function selectFields(info: Info, typeName: string, nodes: readonly FieldNode[]): FieldSelection[] {
  const type = info.schema.getType(typeName);
  if (!type || !isObjectType(type)) return [];
  const grouped = new Map<string, FieldNode[]>();
  for (const node of nodes) collectFieldNodes(info, typeName, node.selectionSet, grouped);
  const fields = type.getFields();
  const result: FieldSelection[] = [];
  for (const [key, fieldNodes] of grouped) {
    const first = fieldNodes[0] as FieldNode;
    const name = first.name.value;
    if (name.startsWith("__")) continue; // __typename is answered by graphql-js itself
    const def = fields[name] as GraphQLField<unknown, unknown> | undefined;
    if (!def) continue;
    const args = getArgumentValues(def, first, info.variableValues);
    const children = new Map<string, FieldSelection[]>();
    const named = getNamedType(def.type);
    if (fieldNodes.some((n) => n.selectionSet)) {
      for (const concrete of concreteTypes(info, named)) {
        children.set(concrete, selectFields(info, concrete, fieldNodes));
      }
    }
    result.push({ key, name, args, children });
  }
  return result;
}

/** The selection under the field being resolved (its return type's fields). */
export function selectionOf(info: GraphQLResolveInfo): Map<string, FieldSelection[]> {
  const named = getNamedType(info.returnType);
  const result = new Map<string, FieldSelection[]>();
  for (const concrete of concreteTypes(info, named)) {
    result.set(concrete, selectFields(info, concrete, info.fieldNodes));
  }
  return result;
}

/** Looks up a nested selection by field name (first match), e.g. connection -> edges -> node. */
export function childSelection(fields: readonly FieldSelection[] | undefined, name: string, type: string): FieldSelection[] {
  const merged: FieldSelection[] = [];
  for (const field of fields ?? []) {
    if (field.name === name) merged.push(...(field.children.get(type) ?? []));
  }
  return merged;
}

/**
 * A row whose fields were computed under their field names, with each requested field also
 * under its response key (alias), for objects built outside the projection (search hits, reaches).
 */
export function withResponseKeys<T extends Record<string, unknown>>(row: T, fields: readonly FieldSelection[]): T {
  return { ...row, ...Object.fromEntries(fields.map((f) => [f.key, row[f.name]])) };
}
