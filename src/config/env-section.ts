import type { z } from "zod";
import { ConfigError } from "../domain/errors.js";

/** The environment as the schema parsed it; beside other errors a field may still hold its raw string. */
export type ParsedEnv = Readonly<Record<string, unknown>>;

/**
 * A slice of the environment owned by one plugin or channel: its variables (DESIGN §7 keeps the
 * names), which of them are secret, the rules between them, and the settings they make. The
 * configuration merges every registered section without knowing what any of them is for.
 */
export interface EnvSection<Settings = unknown> {
  /** The owner's name (`mpesa`, `telegram`): the key of its settings in `Config.sections`. */
  readonly name: string;
  /** Variable → schema of its trimmed, non-empty string value (`.optional()` or `.default()`). */
  readonly variables: Readonly<Record<string, z.ZodType>>;
  /** Variables whose values are never echoed in an error. */
  readonly secretVariables?: readonly string[];
  /** Rules across variables, written against presence so they hold beside other errors. */
  check?(env: ParsedEnv, issue: (variable: string, message: string) => void): void;
  /** The settings when the variables switch the section on; undefined when they leave it off. */
  read(env: ParsedEnv): Settings | undefined;
  /** What the section runs with, safe to log at start-up (secrets masked). */
  describe(settings: Settings): Readonly<Record<string, unknown>>;
}

/** The settings a section made, typed by the section itself; undefined when it is off. */
export function sectionSettings<Settings>(
  config: { readonly sections: Readonly<Record<string, unknown>> },
  section: EnvSection<Settings>,
): Settings | undefined {
  return config.sections[section.name] as Settings | undefined;
}

/** Every variable of the sections, refusing a name claimed twice (a programming error). */
export function sectionVariables(sections: readonly EnvSection[]): Record<string, z.ZodType> {
  const variables: Record<string, z.ZodType> = {};
  for (const section of sections) {
    for (const [variable, schema] of Object.entries(section.variables)) {
      if (variable in variables) {
        throw new ConfigError(
          `The environment variable ${variable} is claimed by two sections (${section.name})`,
        );
      }
      variables[variable] = schema;
    }
  }
  return variables;
}
