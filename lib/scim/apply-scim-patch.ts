import { scimPatch, type ScimPatchOperation } from "scim-patch";
import type { ScimRefusal } from "./scim-response";

/**
 * A PatchOp body's operations applied (RFC 7644 §3.5.2, by scim-patch) to a copy of the
 * resource as stored: the patched resource, to be read as a PUT of it would be, or why not.
 */
export function applyScimPatch(resource: object, body: unknown): { ok: true; patched: unknown } | ScimRefusal {
  const operations = (body as { Operations?: unknown } | null)?.Operations;
  if (!Array.isArray(operations) || operations.length === 0) return { ok: false, status: 400, detail: "A PatchOp body has a non-empty Operations list.", scimType: "invalidSyntax" };
  try {
    return { ok: true, patched: scimPatch(structuredClone(resource) as never, operations as ScimPatchOperation[]) };
  } catch (error) {
    return { ok: false, status: 400, detail: `The patch could not be applied: ${error instanceof Error ? error.message : String(error)}`, scimType: "invalidPath" };
  }
}
