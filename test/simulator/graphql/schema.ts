// The subset of Shopify's Admin GraphQL schema (2026-01) the simulator serves.
// Type, field, argument and enum names follow shopify.dev's reference.
import { buildSchema, type GraphQLSchema } from "graphql";

const currencyCodes = (() => {
  const codes = new Set<string>(["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "XXX"]);
  try {
    for (const c of (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("currency")) codes.add(c);
  } catch {
    /* older runtimes */
  }
  return [...codes].filter((c) => /^[A-Z]{3}$/.test(c)).sort();
})();

export const SDL = /* GraphQL */ `
scalar DateTime
scalar Decimal
scalar UnsignedInt64
scalar URL
scalar JSON
scalar Money

interface Node { id: ID! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type UserError { field: [String!] message: String! }

type Count { count: Int! precision: CountPrecision! }
enum CountPrecision { EXACT AT_LEAST }

enum CurrencyCode { ${currencyCodes.join(" ")} }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

type ShopPlan {
  displayName: String!
  publicDisplayName: String!
  partnerDevelopment: Boolean!
  shopifyPlus: Boolean!
}

type Shop implements Node {
  id: ID!
  name: String!
  myshopifyDomain: String!
  email: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  timezoneAbbreviation: String!
  plan: ShopPlan!
  url: URL!
}

enum MetafieldOwnerType { CUSTOMER ORDER PRODUCT SHOP COMPANY }

type Metafield implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  namespace: String!
  key: String!
  type: String!
  value: String!
  jsonValue: JSON!
  compareDigest: String!
  ownerType: MetafieldOwnerType!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type MetafieldEdge { cursor: String! node: Metafield! }
type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

enum CustomerRfmGroup { ACTIVE ALMOST_LOST AT_RISK CHAMPIONS DORMANT LOYAL NEEDS_ATTENTION NEW PREVIOUSLY_LOYAL PROMISING PROSPECTS }
enum CustomerPredictedSpendTier { HIGH LOW MEDIUM }
type CustomerStatistics { predictedSpendTier: CustomerPredictedSpendTier rfmGroup: CustomerRfmGroup }

enum CustomerState { DECLINED DISABLED ENABLED INVITED }

# Personal data (protected customer data): filled only for simulated shops with personal data.
type CustomerEmailAddress { emailAddress: String }
type CustomerPhoneNumber { phoneNumber: String! }
# The country codes the simulator's addresses use (Shopify's enum lists every ISO 3166 code).
enum CountryCode { CA GB US }
type MailingAddress implements Node {
  id: ID!
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: CountryCode
  firstName: String
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
}

type Customer implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  createdAt: DateTime!
  updatedAt: DateTime!
  displayName: String!
  firstName: String
  lastName: String
  email: String
  phone: String
  defaultEmailAddress: CustomerEmailAddress
  defaultPhoneNumber: CustomerPhoneNumber
  defaultAddress: MailingAddress
  state: CustomerState!
  tags: [String!]!
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
  lastOrder: Order
  statistics: CustomerStatistics!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, namespace: String, keys: [String!]): MetafieldConnection!
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, sortKey: OrderSortKeys = ID): OrderConnection!
}
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }
enum CustomerSortKeys { CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }

type Product implements Node { id: ID! legacyResourceId: UnsignedInt64! productType: String! }

type LineItem implements Node {
  id: ID!
  quantity: Int!
  currentQuantity: Int!
  product: Product
  originalTotalSet: MoneyBag!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type Refund implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  createdAt: DateTime
  updatedAt: DateTime!
  totalRefundedSet: MoneyBag!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  closed: Boolean!
  test: Boolean!
  customer: Customer
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  totalPriceSet: MoneyBag!
  currentTotalPriceSet: MoneyBag!
  totalRefundedSet: MoneyBag!
  subtotalPriceSet: MoneyBag!
  totalDiscountsSet: MoneyBag
  refunds(first: Int): [Refund!]!
  discountCode: String
  discountCodes: [String!]!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }
enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PROCESSED_AT RELEVANCE TOTAL_PRICE UPDATED_AT }

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationsSortKeys { COMPLETED_AT CREATED_AT }
type BulkOperation implements Node {
  id: ID!
  completedAt: DateTime
  createdAt: DateTime!
  errorCode: BulkOperationErrorCode
  fileSize: UnsignedInt64
  objectCount: UnsignedInt64!
  partialDataUrl: URL
  query: String!
  rootObjectCount: UnsignedInt64!
  status: BulkOperationStatus!
  type: BulkOperationType!
  url: URL
}
type BulkOperationEdge { cursor: String! node: BulkOperation! }
type BulkOperationConnection { edges: [BulkOperationEdge!]! nodes: [BulkOperation!]! pageInfo: PageInfo! }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
type BulkOperationUserError { code: BulkOperationUserErrorCode field: [String!] message: String! }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
enum BulkMutationErrorCode { INTERNAL_FILE_SERVER_ERROR INVALID_MUTATION INVALID_STAGED_UPLOAD_FILE LIMIT_REACHED NO_SUCH_FILE OPERATION_IN_PROGRESS }
type BulkMutationUserError { code: BulkMutationErrorCode field: [String!] message: String! }
type BulkOperationRunMutationPayload { bulkOperation: BulkOperation userErrors: [BulkMutationUserError!]! }

enum StagedUploadTargetGenerateUploadResource { BULK_MUTATION_VARIABLES COLLECTION_IMAGE DISPUTE_FILE_UPLOAD FILE IMAGE MODEL_3D PRODUCT_IMAGE RETURN_LABEL SHOP_IMAGE TIMELINE URL_REDIRECT_IMPORT VIDEO }
enum StagedUploadHttpMethodType { POST PUT }
input StagedUploadInput {
  resource: StagedUploadTargetGenerateUploadResource!
  filename: String!
  mimeType: String!
  httpMethod: StagedUploadHttpMethodType = PUT
  fileSize: UnsignedInt64
}
type StagedUploadParameter { name: String! value: String! }
type StagedMediaUploadTarget { url: URL resourceUrl: URL parameters: [StagedUploadParameter!]! }
type StagedUploadsCreatePayload { stagedTargets: [StagedMediaUploadTarget!] userErrors: [UserError!]! }

type TagsAddPayload { node: Node userErrors: [UserError!]! }
type TagsRemovePayload { node: Node userErrors: [UserError!]! }

input MetafieldsSetInput {
  ownerId: ID!
  namespace: String
  key: String!
  value: String!
  type: String
  compareDigest: String
}
enum MetafieldsSetUserErrorCode { APP_NOT_AUTHORIZED BLANK CAPABILITY_VIOLATION INCLUSION INTERNAL_ERROR INVALID INVALID_COMPARE_DIGEST INVALID_TYPE INVALID_VALUE LESS_THAN_OR_EQUAL_TO PRESENT STALE_OBJECT TAKEN TOO_LONG TOO_SHORT }
type MetafieldsSetUserError { code: MetafieldsSetUserErrorCode elementIndex: Int field: [String!] message: String! }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }
input MetafieldIdentifierInput { ownerId: ID! namespace: String! key: String! }
type MetafieldIdentifier { ownerId: ID! namespace: String! key: String! }
type MetafieldsDeletePayload { deletedMetafields: [MetafieldIdentifier] userErrors: [UserError!]! }

type MetafieldDefinitionType { name: String! category: String! }
type MetafieldDefinition implements Node {
  id: ID!
  name: String!
  namespace: String!
  key: String!
  description: String
  ownerType: MetafieldOwnerType!
  type: MetafieldDefinitionType!
  pinnedPosition: Int
}
type MetafieldDefinitionEdge { cursor: String! node: MetafieldDefinition! }
type MetafieldDefinitionConnection { edges: [MetafieldDefinitionEdge!]! nodes: [MetafieldDefinition!]! pageInfo: PageInfo! }
input MetafieldDefinitionValidationInput { name: String! value: String! }
enum MetafieldAdminAccessInput { MERCHANT_READ MERCHANT_READ_WRITE }
enum MetafieldStorefrontAccessInput { NONE PUBLIC_READ }
enum MetafieldCustomerAccountAccessInput { NONE READ READ_WRITE }
input MetafieldAccessInput { admin: MetafieldAdminAccessInput storefront: MetafieldStorefrontAccessInput customerAccount: MetafieldCustomerAccountAccessInput }
input MetafieldCapabilityAdminFilterableInput { enabled: Boolean! }
input MetafieldCapabilitySmartCollectionConditionInput { enabled: Boolean! }
input MetafieldCapabilityUniqueValuesInput { enabled: Boolean! }
input MetafieldCapabilityCreateInput {
  adminFilterable: MetafieldCapabilityAdminFilterableInput
  smartCollectionCondition: MetafieldCapabilitySmartCollectionConditionInput
  uniqueValues: MetafieldCapabilityUniqueValuesInput
}
input MetafieldDefinitionInput {
  name: String!
  namespace: String
  key: String!
  description: String
  type: String!
  ownerType: MetafieldOwnerType!
  validations: [MetafieldDefinitionValidationInput!]
  pin: Boolean = false
  access: MetafieldAccessInput
  capabilities: MetafieldCapabilityCreateInput
}
enum MetafieldDefinitionCreateUserErrorCode { BLANK DUPLICATE_OPTION INCLUSION INVALID INVALID_CAPABILITY INVALID_CHARACTER INVALID_OPTION LIMIT_EXCEEDED PINNED_LIMIT_REACHED PRESENT RESERVED_NAMESPACE_KEY TAKEN TOO_LONG TOO_SHORT TYPE_NOT_ALLOWED_FOR_CONDITIONS UNSTRUCTURED_ALREADY_EXISTS }
type MetafieldDefinitionCreateUserError { code: MetafieldDefinitionCreateUserErrorCode elementIndex: Int elementKey: String field: [String!] message: String! }
type MetafieldDefinitionCreatePayload { createdDefinition: MetafieldDefinition userErrors: [MetafieldDefinitionCreateUserError!]! }

type Segment implements Node {
  id: ID!
  name: String!
  query: String!
  creationDate: DateTime!
  lastEditDate: DateTime!
}
type SegmentEdge { cursor: String! node: Segment! }
type SegmentConnection { edges: [SegmentEdge!]! nodes: [Segment!]! pageInfo: PageInfo! }
enum SegmentSortKeys { CREATION_DATE ID LAST_EDIT_DATE RELEVANCE }
type SegmentCreatePayload { segment: Segment userErrors: [UserError!]! }
type SegmentUpdatePayload { segment: Segment userErrors: [UserError!]! }
type SegmentDeletePayload { deletedSegmentId: ID userErrors: [UserError!]! }

type CustomerSegmentMember {
  id: ID!
  displayName: String!
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2
  lastOrderId: ID
  metafield(namespace: String, key: String!): Metafield
}
type CustomerSegmentMemberEdge { cursor: String! node: CustomerSegmentMember! }
type SegmentAttributeStatistics { average: Float! sum: Float! }
type SegmentStatistics { attributeStatistics(attributeName: String!): SegmentAttributeStatistics! }
type CustomerSegmentMemberConnection { edges: [CustomerSegmentMemberEdge!]! pageInfo: PageInfo! statistics: SegmentStatistics! totalCount: Int! }

type FlowTriggerReceivePayload { userErrors: [UserError!]! }

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  customer(id: ID!): Customer
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, sortKey: CustomerSortKeys = ID): CustomerConnection!
  customersCount(query: String, limit: Int = 10000): Count
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, sortKey: OrderSortKeys = PROCESSED_AT, savedSearchId: ID): OrderConnection!
  ordersCount(query: String, limit: Int = 10000): Count
  bulkOperation(id: ID!): BulkOperation
  bulkOperations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, sortKey: BulkOperationsSortKeys = CREATED_AT): BulkOperationConnection!
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  segment(id: ID!): Segment
  segments(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, sortKey: SegmentSortKeys = ID): SegmentConnection!
  segmentsCount(limit: Int): Count
  customerSegmentMembers(segmentId: ID, query: String, queryId: ID, first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: String, timezone: String): CustomerSegmentMemberConnection!
  metafieldDefinition(id: ID!): MetafieldDefinition
  metafieldDefinitions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, ownerType: MetafieldOwnerType!, namespace: String, key: String, query: String): MetafieldDefinitionConnection!
}

type Mutation {
  bulkOperationRunQuery(query: String!, groupObjects: Boolean = true): BulkOperationRunQueryPayload
  bulkOperationRunMutation(mutation: String!, stagedUploadPath: String!, clientIdentifier: String, groupObjects: Boolean = true): BulkOperationRunMutationPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
  stagedUploadsCreate(input: [StagedUploadInput!]!): StagedUploadsCreatePayload
  tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
  tagsRemove(id: ID!, tags: [String!]!): TagsRemovePayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  metafieldsDelete(metafields: [MetafieldIdentifierInput!]!): MetafieldsDeletePayload
  metafieldDefinitionCreate(definition: MetafieldDefinitionInput!): MetafieldDefinitionCreatePayload
  segmentCreate(name: String!, query: String!): SegmentCreatePayload
  segmentUpdate(id: ID!, name: String, query: String): SegmentUpdatePayload
  segmentDelete(id: ID!): SegmentDeletePayload
  flowTriggerReceive(handle: String, payload: JSON, body: String): FlowTriggerReceivePayload
}

schema { query: QueryRoot mutation: Mutation }
`;

let cached: GraphQLSchema | undefined;
export function adminSchema(): GraphQLSchema {
  if (!cached) cached = buildSchema(SDL);
  return cached;
}
