export * from './model.js';
export {
  PROVISIONING_NAMESPACE,
  ROOT_ELEMENT,
  HUB_SET_ROOT_ATTRIBUTES,
  camel,
  kebab,
  scalarKind,
  type ScalarKind,
} from './content-model.js';
export { assertSafeXml, DEFAULT_MAX_XML_BYTES, type SafeXmlOptions } from './safe-xml.js';
export {
  validateProvisioningXml,
  schemaErrors,
  provisioningSchema,
  setProvisioningSchema,
  findProvisioningSchemaPath,
  findSchemaPath,
  schemaErrorsAgainst,
  type SchemaError,
} from './xsd-validator.js';
export {
  parseProvisioningXml,
  parseProvisioningJson,
  provisioningXmlToJson,
  validateProvisioningDocument,
  PROVISIONING_XML_MEDIA_TYPE,
  PROVISIONING_JSON_MEDIA_TYPE,
  type ParseOptions,
} from './provisioning.js';
export { toProvisioningXml, type ToXmlOptions } from './json-to-xml.js';
export { canonicalJson, canonicalModel, canonicalXml, computeVer } from './canonical.js';
export {
  federationDocumentStream,
  federationDocumentJsonStream,
  memberXml,
  memberModel,
  xsDateTime,
  type FederationHead,
  type FederationMemberEntry,
} from './federation-stream.js';
export {
  applyOverride,
  mergeOverride,
  assertOverridePatch,
  OVERRIDE_FORBIDDEN_ROOT_KEYS,
  type ProvisioningOverridePatch,
} from './override.js';
export { xmlLiteral } from './xml-literal.js';
export { parseXmlTree, textContent, type XmlElement, type XmlAttribute } from './xml-tree.js';
