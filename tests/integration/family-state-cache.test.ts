import { afterAll, afterEach, describe, expect, inject, it, vi } from "vitest";
import {
  FAMILY_STATE_CACHE_MS,
  FAMILY_STATE_REFRESH_AFTER_MS,
  clearFamilyStateCache,
  getFamilyState,
} from "@/lib/sessions/token-families";
import { countingDatabase } from "../support/counting-database";
import { browserSignIn, signedUpUser } from "../support/user-fixtures";

const database = countingDatabase(inject("databaseUrl"), inject("poolMax"));
const db = database.db;
afterAll(() => database.close());
// Every spy on the database below is put back after its test, whether it passed or not.
afterEach(() => vi.restoreAllMocks());

async function activeFamily(label: string): Promise<string> {
  const user = await signedUpUser(db, label);
  const { id } = await browserSignIn(db, user.id);
  // Its first read also records "last used"; the tests below count reads only.
  clearFamilyStateCache();
  await getFamilyState(db, id);
  clearFamilyStateCache();
  return id;
}

const revokeElsewhere = (familyId: string) =>
  // Another instance revoking: straight to the database, this instance's cache untouched.
  db.tokenFamily.update({ where: { id: familyId }, data: { revokedAt: new Date(), revokedReason: "logout" } });

describe("the family-state cache", () => {
  it("requests that miss together share one read of the family", async () => {
    const familyId = await activeFamily("shared-read");
    // Counted as calls, not statements: Prisma batches same-tick findUnique calls into one
    // SELECT, which would hide twenty reads behind one statement.
    const reads = vi.spyOn(db.tokenFamily, "findUnique");
    const answers = await Promise.all(Array.from({ length: 20 }, () => getFamilyState(db, familyId)));
    expect(answers).toEqual(Array(20).fill({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" }));
    expect(reads).toHaveBeenCalledTimes(1);
    // Once it is back, the next miss (the entry expired) reads again, not reusing the settled read.
    await getFamilyState(db, familyId, Date.now() + FAMILY_STATE_CACHE_MS);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it("a family in use is read again in the background before its entry expires: a revocation elsewhere then shows without waiting for the expiry", async () => {
    const familyId = await activeFamily("refresh-ahead");
    const t0 = Date.now();
    expect(await getFamilyState(db, familyId, t0)).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    await revokeElsewhere(familyId);
    // Young entry: answered from the cache, nothing read.
    const young = await database.count(() => getFamilyState(db, familyId, t0 + 1));
    expect(young).toEqual({ result: { status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" }, statements: [] });
    // Old enough to refresh: still answered at once from the cache (never older than
    // FAMILY_STATE_CACHE_MS), while a read goes out behind it...
    expect(await getFamilyState(db, familyId, t0 + FAMILY_STATE_REFRESH_AFTER_MS)).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    // ...and once it is back the revocation answers, well before the entry would have expired.
    await vi.waitFor(async () => expect(await getFamilyState(db, familyId, t0 + FAMILY_STATE_REFRESH_AFTER_MS + 1)).toMatchObject({ status: "revoked", reason: "logout" }));
    expect(FAMILY_STATE_REFRESH_AFTER_MS + 1).toBeLessThan(FAMILY_STATE_CACHE_MS);
  });

  it("a read in flight when this instance clears the cache (it revoked something) neither fills the cache nor answers later requests", async () => {
    const familyId = await activeFamily("cleared-meanwhile");
    // The read in flight has its row ("active") and is held there until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let readDone = false;
    const findUnique = db.tokenFamily.findUnique.bind(db.tokenFamily);
    vi.spyOn(db.tokenFamily, "findUnique").mockImplementationOnce((async (args: Parameters<typeof findUnique>[0]) => {
      const row = await findUnique(args);
      readDone = true;
      await held;
      return row;
    }) as never);
    const t0 = Date.now();
    const inFlight = getFamilyState(db, familyId, t0);
    await vi.waitFor(() => expect(readDone).toBe(true));
    clearFamilyStateCache();
    await revokeElsewhere(familyId);
    // A request after the clear does not join the read started before it.
    expect(await getFamilyState(db, familyId, t0 + 1)).toMatchObject({ status: "revoked" });
    release();
    expect(await inFlight).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    // Nor did that read leave its "active" behind.
    expect(await getFamilyState(db, familyId, t0 + 2)).toMatchObject({ status: "revoked" });
  });

  it("a failed background read changes nothing: the entry answers until it expires, then the request meets the failure", async () => {
    const familyId = await activeFamily("failed-refresh");
    const t0 = Date.now();
    expect(await getFamilyState(db, familyId, t0)).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    const failing = vi.spyOn(db.tokenFamily, "findUnique").mockRejectedValue(new Error("connection terminated"));
    expect(await getFamilyState(db, familyId, t0 + FAMILY_STATE_REFRESH_AFTER_MS)).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    await vi.waitFor(() => expect(failing).toHaveBeenCalled());
    expect(await getFamilyState(db, familyId, t0 + FAMILY_STATE_REFRESH_AFTER_MS + 1)).toEqual({ status: "active", role: "viewer", userId: expect.any(String), organisationId: "operator" });
    await expect(getFamilyState(db, familyId, t0 + FAMILY_STATE_CACHE_MS)).rejects.toThrow("connection terminated");
  });
});
