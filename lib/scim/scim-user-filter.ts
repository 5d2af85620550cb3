import type { Prisma } from "@prisma/client";
import { filterWhere, type FilterAttributes } from "./scim-filter";

const text = (name: string, where: (value: string) => Prisma.UserWhereInput) => (value: unknown) => (typeof value === "string" ? where(value) : `${name} is compared with a string.`);

const USER_ATTRIBUTES: FilterAttributes<Prisma.UserWhereInput> = {
  // userName is caseExact false (RFC 7643 §4.1.1): looked up by its lower case, as stored.
  username: text("userName", (value) => ({ scimUserNameLower: value.toLowerCase() })),
  externalid: text("externalId", (value) => ({ scimExternalId: value })),
  emails: text("emails.value", (value) => ({ email: value.toLowerCase() })),
  "emails.value": text("emails.value", (value) => ({ email: value.toLowerCase() })),
  active: (value) => (typeof value === "boolean" ? { disabledAt: value ? null : { not: null } } : "active is compared with true or false."),
};

/** A Users `filter` as a where-clause on the organisation's provisioned users: eq on userName, externalId, emails.value and active, joined by and. */
export function userFilterWhere(filter: string | null) {
  return filterWhere(filter, USER_ATTRIBUTES);
}
