import { SCIM_SCHEMAS } from "./scim-response";

/** RFC 7644 §5: what this service supports, so a directory knows what not to send. */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: "oauthbearertoken", name: "Directory token", description: "A bearer token made for the organisation's directory (vsa_scim_…).", primary: true }],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/scim/v2/ServiceProviderConfig` },
  };
}

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, multiValued: false, required: false, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none", ...extra });

/** RFC 7643 §7: the User schema's attributes this service keeps and acts on (the rest it stores as sent). */
export function schemas(baseUrl: string) {
  const user = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id: SCIM_SCHEMAS.user,
    name: "User",
    description: "A person of the organisation",
    attributes: [
      attribute("userName", "string", { required: true, uniqueness: "server" }),
      attribute("externalId", "string", { caseExact: true }),
      attribute("displayName", "string"),
      attribute("name", "complex", { subAttributes: [attribute("givenName", "string"), attribute("familyName", "string"), attribute("formatted", "string")] }),
      attribute("emails", "complex", { multiValued: true, subAttributes: [attribute("value", "string"), attribute("type", "string"), attribute("primary", "boolean")] }),
      attribute("active", "boolean"),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/scim/v2/Schemas/${SCIM_SCHEMAS.user}` },
  };
  const group = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id: "urn:ietf:params:scim:schemas:core:2.0:Group",
    name: "Group",
    description: "A group of the organisation's directory; its name may map to a role",
    attributes: [
      attribute("displayName", "string", { required: true, uniqueness: "server" }),
      attribute("externalId", "string", { caseExact: true }),
      attribute("members", "complex", { multiValued: true, subAttributes: [attribute("value", "string", { mutability: "immutable" })] }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group` },
  };
  return { schemas: [SCIM_SCHEMAS.listResponse], totalResults: 2, startIndex: 1, itemsPerPage: 2, Resources: [user, group] };
}

/** RFC 7643 §6: the resource types served. */
export function resourceTypes(baseUrl: string) {
  const users = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: "User",
    name: "User",
    endpoint: "/Users",
    schema: SCIM_SCHEMAS.user,
    schemaExtensions: [{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }],
    meta: { resourceType: "ResourceType", location: `${baseUrl}/scim/v2/ResourceTypes/User` },
  };
  const groups = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: "Group",
    name: "Group",
    endpoint: "/Groups",
    schema: "urn:ietf:params:scim:schemas:core:2.0:Group",
    meta: { resourceType: "ResourceType", location: `${baseUrl}/scim/v2/ResourceTypes/Group` },
  };
  return { schemas: [SCIM_SCHEMAS.listResponse], totalResults: 2, startIndex: 1, itemsPerPage: 2, Resources: [users, groups] };
}
