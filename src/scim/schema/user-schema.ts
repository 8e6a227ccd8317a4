import { attr, multiValuedSubAttributes } from './attribute.js';
import type { SchemaDef } from './types.js';
import { USER_SCHEMA } from './urns.js';

// RFC 7643 §8.7.1 "urn:ietf:params:scim:schemas:core:2.0:User", attribute for attribute and in the
// RFC's order. Descriptions are shortened to one sentence. Product deviations are marked
// "Product:"; everything else is as the RFC's JSON representation gives it.

const primaryDescription = (example: string): string =>
  `A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., ${example}; the value 'true' MUST appear no more than once.`;

export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    // Product: required, case-insensitive, unique per server (matches the RFC).
    attr('userName', 'string', {
      description:
        'Unique identifier for the User, typically used by the user to directly authenticate to the service provider.',
      required: true,
      caseExact: false,
      uniqueness: 'server',
    }),
    attr('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        attr('formatted', 'string', {
          description:
            "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III').",
        }),
        attr('familyName', 'string', {
          description: 'The family name of the User, or last name in most Western languages.',
        }),
        attr('givenName', 'string', {
          description: 'The given name of the User, or first name in most Western languages.',
        }),
        attr('middleName', 'string', { description: 'The middle name(s) of the User.' }),
        attr('honorificPrefix', 'string', {
          description: 'The honorific prefix(es) of the User, or title in most Western languages.',
        }),
        attr('honorificSuffix', 'string', {
          description: 'The honorific suffix(es) of the User, or suffix in most Western languages.',
        }),
      ],
    }),
    attr('displayName', 'string', {
      description: 'The name of the User, suitable for display to end-users.',
    }),
    attr('nickName', 'string', {
      description: "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.",
    }),
    attr('profileUrl', 'reference', {
      description: "A fully qualified URL pointing to a page representing the User's online profile.",
      referenceTypes: ['external'],
    }),
    attr('title', 'string', { description: "The user's title, such as \"Vice President.\"" }),
    attr('userType', 'string', {
      description: 'Used to identify the relationship between the organization and the user.',
    }),
    attr('preferredLanguage', 'string', {
      description: "Indicates the User's preferred written or spoken language, e.g., 'en_US'.",
    }),
    attr('locale', 'string', {
      description:
        "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.",
    }),
    attr('timezone', 'string', {
      description: "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.",
    }),
    // Product: boolean, readWrite (matches the RFC).
    attr('active', 'boolean', { description: "A Boolean value indicating the User's administrative status." }),
    // Product: writeOnly, never returned (matches the RFC).
    attr('password', 'string', {
      description:
        "The User's cleartext password, used to specify an initial password when creating a User or to reset an existing User's password.",
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attr('emails', 'complex', {
      multiValued: true,
      description: "Email addresses for the user; canonical type values of 'work', 'home', and 'other'.",
      subAttributes: multiValuedSubAttributes({
        valueDescription: 'Email addresses for the user.',
        typeDescription: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
        typeCanonicalValues: ['work', 'home', 'other'],
        primaryDescription: primaryDescription('the preferred mailing address or primary email address'),
      }),
    }),
    attr('phoneNumbers', 'complex', {
      multiValued: true,
      description:
        "Phone numbers for the User, canonicalized per RFC 3966 (e.g., 'tel:+1-201-555-0123'); canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
      subAttributes: multiValuedSubAttributes({
        valueDescription: 'Phone number of the User.',
        typeDescription: "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.",
        typeCanonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
        primaryDescription: primaryDescription('the preferred phone number or primary phone number'),
      }),
    }),
    attr('ims', 'complex', {
      multiValued: true,
      description: 'Instant messaging addresses for the User.',
      subAttributes: multiValuedSubAttributes({
        valueDescription: 'Instant messaging address for the User.',
        typeDescription: "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.",
        typeCanonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
        primaryDescription: primaryDescription('the preferred messenger or primary messenger'),
      }),
    }),
    attr('photos', 'complex', {
      multiValued: true,
      description: 'URLs of photos of the User.',
      subAttributes: multiValuedSubAttributes({
        valueType: 'reference',
        valueReferenceTypes: ['external'],
        valueDescription: 'URL of a photo of the User.',
        typeDescription: "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
        typeCanonicalValues: ['photo', 'thumbnail'],
        primaryDescription: primaryDescription('the preferred photo or thumbnail'),
      }),
    }),
    attr('addresses', 'complex', {
      multiValued: true,
      description: "A physical mailing address for this User; canonical type values of 'work', 'home', and 'other'.",
      subAttributes: [
        attr('formatted', 'string', {
          description: 'The full mailing address, formatted for display or use with a mailing label.',
        }),
        attr('streetAddress', 'string', {
          description:
            'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.',
        }),
        attr('locality', 'string', { description: 'The city or locality component.' }),
        attr('region', 'string', { description: 'The state or region component.' }),
        attr('postalCode', 'string', { description: 'The zip code or postal code component.' }),
        attr('country', 'string', { description: 'The country name component.' }),
        attr('type', 'string', {
          description: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
          canonicalValues: ['work', 'home', 'other'],
        }),
        // Not in the §8.7.1 JSON, but §2.4 gives every multi-valued attribute a `primary`
        // sub-attribute and the §8.2 full User example sends addresses[].primary.
        attr('primary', 'boolean', {
          description: primaryDescription('the preferred mailing address'),
        }),
      ],
    }),
    // Product: readOnly (all sub-attributes too), returned default (matches the RFC).
    attr('groups', 'complex', {
      multiValued: true,
      description:
        'A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.',
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', { description: "The identifier of the User's group.", mutability: 'readOnly' }),
        attr('$ref', 'reference', {
          description: "The URI of the corresponding 'Group' resource to which the user belongs.",
          referenceTypes: ['User', 'Group'],
          mutability: 'readOnly',
        }),
        attr('display', 'string', {
          description: 'A human-readable name, primarily used for display purposes.',
          mutability: 'readOnly',
        }),
        attr('type', 'string', {
          description: "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
    }),
    attr('entitlements', 'complex', {
      multiValued: true,
      description: 'A list of entitlements for the User that represent a thing the User has.',
      subAttributes: multiValuedSubAttributes({ valueDescription: 'The value of an entitlement.' }),
    }),
    // The RFC JSON gives roles.type and x509Certificates.type `"canonicalValues": []`; an empty
    // list means "no canonical values", so it is left out here as for entitlements.type.
    attr('roles', 'complex', {
      multiValued: true,
      description: "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
      subAttributes: multiValuedSubAttributes({ valueDescription: 'The value of a role.' }),
    }),
    attr('x509Certificates', 'complex', {
      multiValued: true,
      description: 'A list of certificates issued to the User.',
      subAttributes: multiValuedSubAttributes({
        valueType: 'binary',
        valueDescription: 'The value of an X.509 certificate.',
      }),
    }),
  ],
};
