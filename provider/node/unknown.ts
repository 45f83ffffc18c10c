/**
 * What a dynamic provider sees for a value not known yet during preview (`unknownValue` in
 * @pulumi/pulumi/runtime/rpc; the dynamic provider passes inputs through `Struct.toJavaScript`
 * without deserializing them). Copied rather than imported so the CLI does not load the Pulumi SDK.
 * Check and diff let it pass wherever it appears.
 */
export const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === PULUMI_UNKNOWN;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
