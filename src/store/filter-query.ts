import { Context } from "mingo/core";
import * as queryOperators from "mingo/operators/query";
import { Query } from "mingo/query";

/**
 * Filters use query operators only. mingo's default context carries every operator family and is
 * copied for each query; this one is a tenth of the size, which is most of a query's set-up cost.
 */
const QUERY_OPTIONS = { context: Context.init({ query: queryOperators }) };

/** A store filter, evaluated here as MongoDB would (the embedded store, FerretDB's fallbacks). */
export function filterQuery(filter: Record<string, unknown>): Query {
  return new Query(filter, QUERY_OPTIONS);
}
