/**
 * A Stryker ignorer: mutants inside logger calls (`logger.warn(…)`, `deps.logger.debug(…)`) are
 * not generated. A log line is for operators, not an invariant of the payment core; the tests
 * that kill mutants check what changes in the store, the queue and the chats.
 */
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);

function isLoggerCall(node) {
  if (node.type !== "CallExpression" || node.callee.type !== "MemberExpression") return false;
  const { object, property } = node.callee;
  if (property.type !== "Identifier" || !LEVELS.has(property.name)) return false;
  const target = object.type === "MemberExpression" ? object.property : object;
  return target.type === "Identifier" && target.name === "logger";
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "log-calls", {
    shouldIgnore(path) {
      if (isLoggerCall(path.node)) return "A logger call: operator output, not a payment invariant";
      return undefined;
    },
  }),
];
