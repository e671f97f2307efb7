/**
 * fast-xml-parser settings for every XML llmsec reads (nvidia-smi output, firewalld zones): DTDs
 * and entities are never processed (nvidia-smi names a DTD that must not be fetched, and entity
 * expansion is how XML parsers get attacked); attributes are kept as text under `@name`. A plain
 * object, so importing it does not load the parser.
 */
export const SAFE_XML_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
} as const
