import { describe, expect, it } from "vitest";
import { roleSatisfies, type Role } from "@/lib/roles/roles";

describe("roleSatisfies", () => {
  it("is hierarchical over the known roles", () => {
    expect(roleSatisfies("admin", "viewer")).toBe(true);
    expect(roleSatisfies("campaign_manager", "campaign_manager")).toBe(true);
    expect(roleSatisfies("viewer", "campaign_manager")).toBe(false);
  });

  it("refuses a role it does not know, on either side, instead of ranking it above admin", () => {
    expect(roleSatisfies("superuser" as Role, "admin")).toBe(false);
    expect(roleSatisfies("superuser" as Role, "viewer")).toBe(false);
    expect(roleSatisfies("admin", "owner" as Role)).toBe(false);
  });
});
