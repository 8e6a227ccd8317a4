import type { AttributeDef, AttributeType } from './types.js';

export type AttributeOptions = Partial<Omit<AttributeDef, 'name' | 'type'>>;

/**
 * Builds an AttributeDef, filling in the RFC 7643 §7 defaults for anything not given:
 * multiValued false, description '', required false, caseExact false, mutability 'readWrite',
 * returned 'default', uniqueness 'none'. canonicalValues, referenceTypes and subAttributes are
 * only present when given, so the object serialises the way RFC 7643 §8.7.1 writes it.
 */
export function attr(name: string, type: AttributeType, options: AttributeOptions = {}): AttributeDef {
  const def: AttributeDef = {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description: options.description ?? '',
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
  };
  if (options.canonicalValues !== undefined) def.canonicalValues = [...options.canonicalValues];
  if (options.referenceTypes !== undefined) def.referenceTypes = [...options.referenceTypes];
  if (options.subAttributes !== undefined) def.subAttributes = options.subAttributes;
  return def;
}

export interface MultiValuedSubAttributeOptions {
  /** Type of `value`; 'string' unless given (photos: 'reference', x509Certificates: 'binary'). */
  valueType?: AttributeType;
  valueDescription: string;
  /** referenceTypes of `value`, for reference-typed values (photos: ['external']). */
  valueReferenceTypes?: string[];
  typeDescription?: string;
  /** canonicalValues of `type`; omitted when not given. */
  typeCanonicalValues?: string[];
  primaryDescription?: string;
}

/**
 * The `value`, `display`, `type`, `primary` sub-attribute set the RFC 7643 §8.7.1 User schema
 * gives emails, phoneNumbers, ims, photos, entitlements, roles and x509Certificates. All are
 * readWrite/default/none with caseExact false, as in the RFC's JSON.
 */
export function multiValuedSubAttributes(options: MultiValuedSubAttributeOptions): AttributeDef[] {
  return [
    attr('value', options.valueType ?? 'string', {
      description: options.valueDescription,
      ...(options.valueReferenceTypes !== undefined ? { referenceTypes: options.valueReferenceTypes } : {}),
    }),
    attr('display', 'string', {
      description: 'A human-readable name, primarily used for display purposes.',
    }),
    attr('type', 'string', {
      description: options.typeDescription ?? "A label indicating the attribute's function.",
      ...(options.typeCanonicalValues !== undefined ? { canonicalValues: options.typeCanonicalValues } : {}),
    }),
    attr('primary', 'boolean', {
      description:
        options.primaryDescription ??
        "A Boolean value indicating the 'primary' or preferred attribute value for this attribute; the value 'true' MUST appear no more than once.",
    }),
  ];
}
