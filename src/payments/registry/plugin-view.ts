import { z } from "zod";
import type { PaymentMethod } from "../../domain/payment.js";
import { type PaymentPlugin, secretFieldsOf } from "../plugin.js";

/** A registered plugin and the form its config takes. */
export interface PluginView {
  readonly name: string;
  readonly label: string;
  readonly methods: readonly PaymentMethod[];
  /** JSON Schema of the config (input side); secret fields carry `secret: true, writeOnly: true`. */
  readonly configSchema: Record<string, unknown>;
  readonly secretFields: readonly string[];
}

/** A plugin's public description, with its config schema as JSON Schema (secret fields flagged). */
export function toPluginView(plugin: PaymentPlugin): PluginView {
  const secretFields = secretFieldsOf(plugin.configSchema);
  const schema = z.toJSONSchema(plugin.configSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const name of secretFields) {
    const property = properties?.[name];
    if (property) Object.assign(property, { secret: true, writeOnly: true });
  }
  return {
    name: plugin.name,
    label: plugin.label,
    methods: plugin.methods,
    configSchema: schema,
    secretFields,
  };
}
