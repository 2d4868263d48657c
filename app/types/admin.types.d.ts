export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  DateTime: { input: string; output: string; }
  Decimal: { input: string; output: string; }
  JSON: { input: unknown; output: unknown; }
  Money: { input: string; output: string; }
  URL: { input: string; output: string; }
  UnsignedInt64: { input: string; output: string; }
};

export type BulkMutationErrorCode =
  | 'INTERNAL_FILE_SERVER_ERROR'
  | 'INVALID_MUTATION'
  | 'INVALID_STAGED_UPLOAD_FILE'
  | 'LIMIT_REACHED'
  | 'NO_SUCH_FILE'
  | 'OPERATION_IN_PROGRESS';

export type BulkMutationUserError = {
  __typename?: 'BulkMutationUserError';
  code?: Maybe<BulkMutationErrorCode>;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type BulkOperation = Node & {
  __typename?: 'BulkOperation';
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  errorCode?: Maybe<BulkOperationErrorCode>;
  fileSize?: Maybe<Scalars['UnsignedInt64']['output']>;
  id: Scalars['ID']['output'];
  objectCount: Scalars['UnsignedInt64']['output'];
  partialDataUrl?: Maybe<Scalars['URL']['output']>;
  query: Scalars['String']['output'];
  rootObjectCount: Scalars['UnsignedInt64']['output'];
  status: BulkOperationStatus;
  type: BulkOperationType;
  url?: Maybe<Scalars['URL']['output']>;
};

export type BulkOperationCancelPayload = {
  __typename?: 'BulkOperationCancelPayload';
  bulkOperation?: Maybe<BulkOperation>;
  userErrors: Array<UserError>;
};

export type BulkOperationConnection = {
  __typename?: 'BulkOperationConnection';
  edges: Array<BulkOperationEdge>;
  nodes: Array<BulkOperation>;
  pageInfo: PageInfo;
};

export type BulkOperationEdge = {
  __typename?: 'BulkOperationEdge';
  cursor: Scalars['String']['output'];
  node: BulkOperation;
};

export type BulkOperationErrorCode =
  | 'ACCESS_DENIED'
  | 'INTERNAL_SERVER_ERROR'
  | 'TIMEOUT';

export type BulkOperationRunMutationPayload = {
  __typename?: 'BulkOperationRunMutationPayload';
  bulkOperation?: Maybe<BulkOperation>;
  userErrors: Array<BulkMutationUserError>;
};

export type BulkOperationRunQueryPayload = {
  __typename?: 'BulkOperationRunQueryPayload';
  bulkOperation?: Maybe<BulkOperation>;
  userErrors: Array<BulkOperationUserError>;
};

export type BulkOperationStatus =
  | 'CANCELED'
  | 'CANCELING'
  | 'COMPLETED'
  | 'CREATED'
  | 'EXPIRED'
  | 'FAILED'
  | 'RUNNING';

export type BulkOperationType =
  | 'MUTATION'
  | 'QUERY';

export type BulkOperationUserError = {
  __typename?: 'BulkOperationUserError';
  code?: Maybe<BulkOperationUserErrorCode>;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type BulkOperationUserErrorCode =
  | 'INVALID'
  | 'LIMIT_REACHED'
  | 'OPERATION_IN_PROGRESS';

export type BulkOperationsSortKeys =
  | 'COMPLETED_AT'
  | 'CREATED_AT';

export type Count = {
  __typename?: 'Count';
  count: Scalars['Int']['output'];
  precision: CountPrecision;
};

export type CountPrecision =
  | 'AT_LEAST'
  | 'EXACT';

export type CountryCode =
  | 'CA'
  | 'GB'
  | 'US';

export type CurrencyCode =
  | 'AED'
  | 'AFN'
  | 'ALL'
  | 'AMD'
  | 'ANG'
  | 'AOA'
  | 'ARS'
  | 'AUD'
  | 'AWG'
  | 'AZN'
  | 'BAM'
  | 'BBD'
  | 'BDT'
  | 'BGN'
  | 'BHD'
  | 'BIF'
  | 'BMD'
  | 'BND'
  | 'BOB'
  | 'BRL'
  | 'BSD'
  | 'BTN'
  | 'BWP'
  | 'BYN'
  | 'BZD'
  | 'CAD'
  | 'CDF'
  | 'CHF'
  | 'CLP'
  | 'CNY'
  | 'COP'
  | 'CRC'
  | 'CUC'
  | 'CUP'
  | 'CVE'
  | 'CZK'
  | 'DJF'
  | 'DKK'
  | 'DOP'
  | 'DZD'
  | 'EGP'
  | 'ERN'
  | 'ETB'
  | 'EUR'
  | 'FJD'
  | 'FKP'
  | 'GBP'
  | 'GEL'
  | 'GHS'
  | 'GIP'
  | 'GMD'
  | 'GNF'
  | 'GTQ'
  | 'GYD'
  | 'HKD'
  | 'HNL'
  | 'HRK'
  | 'HTG'
  | 'HUF'
  | 'IDR'
  | 'ILS'
  | 'INR'
  | 'IQD'
  | 'IRR'
  | 'ISK'
  | 'JMD'
  | 'JOD'
  | 'JPY'
  | 'KES'
  | 'KGS'
  | 'KHR'
  | 'KMF'
  | 'KPW'
  | 'KRW'
  | 'KWD'
  | 'KYD'
  | 'KZT'
  | 'LAK'
  | 'LBP'
  | 'LKR'
  | 'LRD'
  | 'LSL'
  | 'LYD'
  | 'MAD'
  | 'MDL'
  | 'MGA'
  | 'MKD'
  | 'MMK'
  | 'MNT'
  | 'MOP'
  | 'MRU'
  | 'MUR'
  | 'MVR'
  | 'MWK'
  | 'MXN'
  | 'MYR'
  | 'MZN'
  | 'NAD'
  | 'NGN'
  | 'NIO'
  | 'NOK'
  | 'NPR'
  | 'NZD'
  | 'OMR'
  | 'PAB'
  | 'PEN'
  | 'PGK'
  | 'PHP'
  | 'PKR'
  | 'PLN'
  | 'PYG'
  | 'QAR'
  | 'RON'
  | 'RSD'
  | 'RUB'
  | 'RWF'
  | 'SAR'
  | 'SBD'
  | 'SCR'
  | 'SDG'
  | 'SEK'
  | 'SGD'
  | 'SHP'
  | 'SLE'
  | 'SLL'
  | 'SOS'
  | 'SRD'
  | 'SSP'
  | 'STN'
  | 'SVC'
  | 'SYP'
  | 'SZL'
  | 'THB'
  | 'TJS'
  | 'TMT'
  | 'TND'
  | 'TOP'
  | 'TRY'
  | 'TTD'
  | 'TWD'
  | 'TZS'
  | 'UAH'
  | 'UGX'
  | 'USD'
  | 'UYU'
  | 'UZS'
  | 'VES'
  | 'VND'
  | 'VUV'
  | 'WST'
  | 'XAF'
  | 'XCD'
  | 'XCG'
  | 'XDR'
  | 'XOF'
  | 'XPF'
  | 'XSU'
  | 'XXX'
  | 'YER'
  | 'ZAR'
  | 'ZMW'
  | 'ZWG'
  | 'ZWL';

export type Customer = Node & {
  __typename?: 'Customer';
  amountSpent: MoneyV2;
  createdAt: Scalars['DateTime']['output'];
  defaultAddress?: Maybe<MailingAddress>;
  defaultEmailAddress?: Maybe<CustomerEmailAddress>;
  defaultPhoneNumber?: Maybe<CustomerPhoneNumber>;
  displayName: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  firstName?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastName?: Maybe<Scalars['String']['output']>;
  lastOrder?: Maybe<Order>;
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  metafield?: Maybe<Metafield>;
  metafields: MetafieldConnection;
  numberOfOrders: Scalars['UnsignedInt64']['output'];
  orders: OrderConnection;
  phone?: Maybe<Scalars['String']['output']>;
  state: CustomerState;
  statistics: CustomerStatistics;
  tags: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};


export type CustomerMetafieldArgs = {
  key: Scalars['String']['input'];
  namespace?: InputMaybe<Scalars['String']['input']>;
};


export type CustomerMetafieldsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  keys?: InputMaybe<Array<Scalars['String']['input']>>;
  last?: InputMaybe<Scalars['Int']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
};


export type CustomerOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  sortKey?: InputMaybe<OrderSortKeys>;
};

export type CustomerConnection = {
  __typename?: 'CustomerConnection';
  edges: Array<CustomerEdge>;
  nodes: Array<Customer>;
  pageInfo: PageInfo;
};

export type CustomerEdge = {
  __typename?: 'CustomerEdge';
  cursor: Scalars['String']['output'];
  node: Customer;
};

export type CustomerEmailAddress = {
  __typename?: 'CustomerEmailAddress';
  emailAddress?: Maybe<Scalars['String']['output']>;
};

export type CustomerPhoneNumber = {
  __typename?: 'CustomerPhoneNumber';
  phoneNumber: Scalars['String']['output'];
};

export type CustomerPredictedSpendTier =
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

export type CustomerRfmGroup =
  | 'ACTIVE'
  | 'ALMOST_LOST'
  | 'AT_RISK'
  | 'CHAMPIONS'
  | 'DORMANT'
  | 'LOYAL'
  | 'NEEDS_ATTENTION'
  | 'NEW'
  | 'PREVIOUSLY_LOYAL'
  | 'PROMISING'
  | 'PROSPECTS';

export type CustomerSegmentMember = {
  __typename?: 'CustomerSegmentMember';
  amountSpent?: Maybe<MoneyV2>;
  displayName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastOrderId?: Maybe<Scalars['ID']['output']>;
  metafield?: Maybe<Metafield>;
  numberOfOrders: Scalars['UnsignedInt64']['output'];
};


export type CustomerSegmentMemberMetafieldArgs = {
  key: Scalars['String']['input'];
  namespace?: InputMaybe<Scalars['String']['input']>;
};

export type CustomerSegmentMemberConnection = {
  __typename?: 'CustomerSegmentMemberConnection';
  edges: Array<CustomerSegmentMemberEdge>;
  pageInfo: PageInfo;
  statistics: SegmentStatistics;
  totalCount: Scalars['Int']['output'];
};

export type CustomerSegmentMemberEdge = {
  __typename?: 'CustomerSegmentMemberEdge';
  cursor: Scalars['String']['output'];
  node: CustomerSegmentMember;
};

export type CustomerSortKeys =
  | 'CREATED_AT'
  | 'ID'
  | 'LOCATION'
  | 'NAME'
  | 'RELEVANCE'
  | 'UPDATED_AT';

export type CustomerState =
  | 'DECLINED'
  | 'DISABLED'
  | 'ENABLED'
  | 'INVITED';

export type CustomerStatistics = {
  __typename?: 'CustomerStatistics';
  predictedSpendTier?: Maybe<CustomerPredictedSpendTier>;
  rfmGroup?: Maybe<CustomerRfmGroup>;
};

export type FlowTriggerReceivePayload = {
  __typename?: 'FlowTriggerReceivePayload';
  userErrors: Array<UserError>;
};

export type LineItem = Node & {
  __typename?: 'LineItem';
  currentQuantity: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  originalTotalSet: MoneyBag;
  product?: Maybe<Product>;
  quantity: Scalars['Int']['output'];
};

export type LineItemConnection = {
  __typename?: 'LineItemConnection';
  edges: Array<LineItemEdge>;
  nodes: Array<LineItem>;
  pageInfo: PageInfo;
};

export type LineItemEdge = {
  __typename?: 'LineItemEdge';
  cursor: Scalars['String']['output'];
  node: LineItem;
};

export type MailingAddress = Node & {
  __typename?: 'MailingAddress';
  address1?: Maybe<Scalars['String']['output']>;
  address2?: Maybe<Scalars['String']['output']>;
  city?: Maybe<Scalars['String']['output']>;
  company?: Maybe<Scalars['String']['output']>;
  country?: Maybe<Scalars['String']['output']>;
  countryCodeV2?: Maybe<CountryCode>;
  firstName?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastName?: Maybe<Scalars['String']['output']>;
  name?: Maybe<Scalars['String']['output']>;
  phone?: Maybe<Scalars['String']['output']>;
  province?: Maybe<Scalars['String']['output']>;
  provinceCode?: Maybe<Scalars['String']['output']>;
  zip?: Maybe<Scalars['String']['output']>;
};

export type Metafield = Node & {
  __typename?: 'Metafield';
  compareDigest: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  jsonValue: Scalars['JSON']['output'];
  key: Scalars['String']['output'];
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  namespace: Scalars['String']['output'];
  ownerType: MetafieldOwnerType;
  type: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  value: Scalars['String']['output'];
};

export type MetafieldAccessInput = {
  admin?: InputMaybe<MetafieldAdminAccessInput>;
  customerAccount?: InputMaybe<MetafieldCustomerAccountAccessInput>;
  storefront?: InputMaybe<MetafieldStorefrontAccessInput>;
};

export type MetafieldAdminAccessInput =
  | 'MERCHANT_READ'
  | 'MERCHANT_READ_WRITE';

export type MetafieldCapabilityAdminFilterableInput = {
  enabled: Scalars['Boolean']['input'];
};

export type MetafieldCapabilityCreateInput = {
  adminFilterable?: InputMaybe<MetafieldCapabilityAdminFilterableInput>;
  smartCollectionCondition?: InputMaybe<MetafieldCapabilitySmartCollectionConditionInput>;
  uniqueValues?: InputMaybe<MetafieldCapabilityUniqueValuesInput>;
};

export type MetafieldCapabilitySmartCollectionConditionInput = {
  enabled: Scalars['Boolean']['input'];
};

export type MetafieldCapabilityUniqueValuesInput = {
  enabled: Scalars['Boolean']['input'];
};

export type MetafieldConnection = {
  __typename?: 'MetafieldConnection';
  edges: Array<MetafieldEdge>;
  nodes: Array<Metafield>;
  pageInfo: PageInfo;
};

export type MetafieldCustomerAccountAccessInput =
  | 'NONE'
  | 'READ'
  | 'READ_WRITE';

export type MetafieldDefinition = Node & {
  __typename?: 'MetafieldDefinition';
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  key: Scalars['String']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  ownerType: MetafieldOwnerType;
  pinnedPosition?: Maybe<Scalars['Int']['output']>;
  type: MetafieldDefinitionType;
};

export type MetafieldDefinitionConnection = {
  __typename?: 'MetafieldDefinitionConnection';
  edges: Array<MetafieldDefinitionEdge>;
  nodes: Array<MetafieldDefinition>;
  pageInfo: PageInfo;
};

export type MetafieldDefinitionCreatePayload = {
  __typename?: 'MetafieldDefinitionCreatePayload';
  createdDefinition?: Maybe<MetafieldDefinition>;
  userErrors: Array<MetafieldDefinitionCreateUserError>;
};

export type MetafieldDefinitionCreateUserError = {
  __typename?: 'MetafieldDefinitionCreateUserError';
  code?: Maybe<MetafieldDefinitionCreateUserErrorCode>;
  elementIndex?: Maybe<Scalars['Int']['output']>;
  elementKey?: Maybe<Scalars['String']['output']>;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type MetafieldDefinitionCreateUserErrorCode =
  | 'BLANK'
  | 'DUPLICATE_OPTION'
  | 'INCLUSION'
  | 'INVALID'
  | 'INVALID_CAPABILITY'
  | 'INVALID_CHARACTER'
  | 'INVALID_OPTION'
  | 'LIMIT_EXCEEDED'
  | 'PINNED_LIMIT_REACHED'
  | 'PRESENT'
  | 'RESERVED_NAMESPACE_KEY'
  | 'TAKEN'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  | 'TYPE_NOT_ALLOWED_FOR_CONDITIONS'
  | 'UNSTRUCTURED_ALREADY_EXISTS';

export type MetafieldDefinitionEdge = {
  __typename?: 'MetafieldDefinitionEdge';
  cursor: Scalars['String']['output'];
  node: MetafieldDefinition;
};

export type MetafieldDefinitionInput = {
  access?: InputMaybe<MetafieldAccessInput>;
  capabilities?: InputMaybe<MetafieldCapabilityCreateInput>;
  description?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
  name: Scalars['String']['input'];
  namespace?: InputMaybe<Scalars['String']['input']>;
  ownerType: MetafieldOwnerType;
  pin?: InputMaybe<Scalars['Boolean']['input']>;
  type: Scalars['String']['input'];
  validations?: InputMaybe<Array<MetafieldDefinitionValidationInput>>;
};

export type MetafieldDefinitionType = {
  __typename?: 'MetafieldDefinitionType';
  category: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

export type MetafieldDefinitionValidationInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type MetafieldEdge = {
  __typename?: 'MetafieldEdge';
  cursor: Scalars['String']['output'];
  node: Metafield;
};

export type MetafieldIdentifier = {
  __typename?: 'MetafieldIdentifier';
  key: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  ownerId: Scalars['ID']['output'];
};

export type MetafieldIdentifierInput = {
  key: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  ownerId: Scalars['ID']['input'];
};

export type MetafieldOwnerType =
  | 'COMPANY'
  | 'CUSTOMER'
  | 'ORDER'
  | 'PRODUCT'
  | 'SHOP';

export type MetafieldStorefrontAccessInput =
  | 'NONE'
  | 'PUBLIC_READ';

export type MetafieldsDeletePayload = {
  __typename?: 'MetafieldsDeletePayload';
  deletedMetafields?: Maybe<Array<Maybe<MetafieldIdentifier>>>;
  userErrors: Array<UserError>;
};

export type MetafieldsSetInput = {
  compareDigest?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
  namespace?: InputMaybe<Scalars['String']['input']>;
  ownerId: Scalars['ID']['input'];
  type?: InputMaybe<Scalars['String']['input']>;
  value: Scalars['String']['input'];
};

export type MetafieldsSetPayload = {
  __typename?: 'MetafieldsSetPayload';
  metafields?: Maybe<Array<Metafield>>;
  userErrors: Array<MetafieldsSetUserError>;
};

export type MetafieldsSetUserError = {
  __typename?: 'MetafieldsSetUserError';
  code?: Maybe<MetafieldsSetUserErrorCode>;
  elementIndex?: Maybe<Scalars['Int']['output']>;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type MetafieldsSetUserErrorCode =
  | 'APP_NOT_AUTHORIZED'
  | 'BLANK'
  | 'CAPABILITY_VIOLATION'
  | 'INCLUSION'
  | 'INTERNAL_ERROR'
  | 'INVALID'
  | 'INVALID_COMPARE_DIGEST'
  | 'INVALID_TYPE'
  | 'INVALID_VALUE'
  | 'LESS_THAN_OR_EQUAL_TO'
  | 'PRESENT'
  | 'STALE_OBJECT'
  | 'TAKEN'
  | 'TOO_LONG'
  | 'TOO_SHORT';

export type MoneyBag = {
  __typename?: 'MoneyBag';
  presentmentMoney: MoneyV2;
  shopMoney: MoneyV2;
};

export type MoneyV2 = {
  __typename?: 'MoneyV2';
  amount: Scalars['Decimal']['output'];
  currencyCode: CurrencyCode;
};

export type Mutation = {
  __typename?: 'Mutation';
  bulkOperationCancel?: Maybe<BulkOperationCancelPayload>;
  bulkOperationRunMutation?: Maybe<BulkOperationRunMutationPayload>;
  bulkOperationRunQuery?: Maybe<BulkOperationRunQueryPayload>;
  flowTriggerReceive?: Maybe<FlowTriggerReceivePayload>;
  metafieldDefinitionCreate?: Maybe<MetafieldDefinitionCreatePayload>;
  metafieldsDelete?: Maybe<MetafieldsDeletePayload>;
  metafieldsSet?: Maybe<MetafieldsSetPayload>;
  segmentCreate?: Maybe<SegmentCreatePayload>;
  segmentDelete?: Maybe<SegmentDeletePayload>;
  segmentUpdate?: Maybe<SegmentUpdatePayload>;
  stagedUploadsCreate?: Maybe<StagedUploadsCreatePayload>;
  tagsAdd?: Maybe<TagsAddPayload>;
  tagsRemove?: Maybe<TagsRemovePayload>;
};


export type MutationBulkOperationCancelArgs = {
  id: Scalars['ID']['input'];
};


export type MutationBulkOperationRunMutationArgs = {
  clientIdentifier?: InputMaybe<Scalars['String']['input']>;
  groupObjects?: InputMaybe<Scalars['Boolean']['input']>;
  mutation: Scalars['String']['input'];
  stagedUploadPath: Scalars['String']['input'];
};


export type MutationBulkOperationRunQueryArgs = {
  groupObjects?: InputMaybe<Scalars['Boolean']['input']>;
  query: Scalars['String']['input'];
};


export type MutationFlowTriggerReceiveArgs = {
  body?: InputMaybe<Scalars['String']['input']>;
  handle?: InputMaybe<Scalars['String']['input']>;
  payload?: InputMaybe<Scalars['JSON']['input']>;
};


export type MutationMetafieldDefinitionCreateArgs = {
  definition: MetafieldDefinitionInput;
};


export type MutationMetafieldsDeleteArgs = {
  metafields: Array<MetafieldIdentifierInput>;
};


export type MutationMetafieldsSetArgs = {
  metafields: Array<MetafieldsSetInput>;
};


export type MutationSegmentCreateArgs = {
  name: Scalars['String']['input'];
  query: Scalars['String']['input'];
};


export type MutationSegmentDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSegmentUpdateArgs = {
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStagedUploadsCreateArgs = {
  input: Array<StagedUploadInput>;
};


export type MutationTagsAddArgs = {
  id: Scalars['ID']['input'];
  tags: Array<Scalars['String']['input']>;
};


export type MutationTagsRemoveArgs = {
  id: Scalars['ID']['input'];
  tags: Array<Scalars['String']['input']>;
};

export type Node = {
  id: Scalars['ID']['output'];
};

export type Order = Node & {
  __typename?: 'Order';
  cancelledAt?: Maybe<Scalars['DateTime']['output']>;
  closed: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  currencyCode: CurrencyCode;
  currentTotalPriceSet: MoneyBag;
  customer?: Maybe<Customer>;
  discountCode?: Maybe<Scalars['String']['output']>;
  discountCodes: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  lineItems: LineItemConnection;
  name: Scalars['String']['output'];
  presentmentCurrencyCode: CurrencyCode;
  processedAt: Scalars['DateTime']['output'];
  refunds: Array<Refund>;
  subtotalPriceSet: MoneyBag;
  test: Scalars['Boolean']['output'];
  totalDiscountsSet?: Maybe<MoneyBag>;
  totalPriceSet: MoneyBag;
  totalRefundedSet: MoneyBag;
  updatedAt: Scalars['DateTime']['output'];
};


export type OrderLineItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
};


export type OrderRefundsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  nodes: Array<Order>;
  pageInfo: PageInfo;
};

export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

export type OrderSortKeys =
  | 'CREATED_AT'
  | 'CUSTOMER_NAME'
  | 'FINANCIAL_STATUS'
  | 'FULFILLMENT_STATUS'
  | 'ID'
  | 'ORDER_NUMBER'
  | 'PROCESSED_AT'
  | 'RELEVANCE'
  | 'TOTAL_PRICE'
  | 'UPDATED_AT';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Product = Node & {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  productType: Scalars['String']['output'];
};

export type QueryRoot = {
  __typename?: 'QueryRoot';
  bulkOperation?: Maybe<BulkOperation>;
  bulkOperations: BulkOperationConnection;
  currentBulkOperation?: Maybe<BulkOperation>;
  customer?: Maybe<Customer>;
  customerSegmentMembers: CustomerSegmentMemberConnection;
  customers: CustomerConnection;
  customersCount?: Maybe<Count>;
  metafieldDefinition?: Maybe<MetafieldDefinition>;
  metafieldDefinitions: MetafieldDefinitionConnection;
  node?: Maybe<Node>;
  nodes: Array<Maybe<Node>>;
  order?: Maybe<Order>;
  orders: OrderConnection;
  ordersCount?: Maybe<Count>;
  segment?: Maybe<Segment>;
  segments: SegmentConnection;
  segmentsCount?: Maybe<Count>;
  shop: Shop;
};


export type QueryRootBulkOperationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootBulkOperationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  sortKey?: InputMaybe<BulkOperationsSortKeys>;
};


export type QueryRootCurrentBulkOperationArgs = {
  type?: InputMaybe<BulkOperationType>;
};


export type QueryRootCustomerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootCustomerSegmentMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  queryId?: InputMaybe<Scalars['ID']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  segmentId?: InputMaybe<Scalars['ID']['input']>;
  sortKey?: InputMaybe<Scalars['String']['input']>;
  timezone?: InputMaybe<Scalars['String']['input']>;
};


export type QueryRootCustomersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  sortKey?: InputMaybe<CustomerSortKeys>;
};


export type QueryRootCustomersCountArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


export type QueryRootMetafieldDefinitionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootMetafieldDefinitionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  key?: InputMaybe<Scalars['String']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  ownerType: MetafieldOwnerType;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryRootNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryRootOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  savedSearchId?: InputMaybe<Scalars['ID']['input']>;
  sortKey?: InputMaybe<OrderSortKeys>;
};


export type QueryRootOrdersCountArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


export type QueryRootSegmentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRootSegmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  reverse?: InputMaybe<Scalars['Boolean']['input']>;
  sortKey?: InputMaybe<SegmentSortKeys>;
};


export type QueryRootSegmentsCountArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};

export type Refund = Node & {
  __typename?: 'Refund';
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  totalRefundedSet: MoneyBag;
  updatedAt: Scalars['DateTime']['output'];
};

export type Segment = Node & {
  __typename?: 'Segment';
  creationDate: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastEditDate: Scalars['DateTime']['output'];
  name: Scalars['String']['output'];
  query: Scalars['String']['output'];
};

export type SegmentAttributeStatistics = {
  __typename?: 'SegmentAttributeStatistics';
  average: Scalars['Float']['output'];
  sum: Scalars['Float']['output'];
};

export type SegmentConnection = {
  __typename?: 'SegmentConnection';
  edges: Array<SegmentEdge>;
  nodes: Array<Segment>;
  pageInfo: PageInfo;
};

export type SegmentCreatePayload = {
  __typename?: 'SegmentCreatePayload';
  segment?: Maybe<Segment>;
  userErrors: Array<UserError>;
};

export type SegmentDeletePayload = {
  __typename?: 'SegmentDeletePayload';
  deletedSegmentId?: Maybe<Scalars['ID']['output']>;
  userErrors: Array<UserError>;
};

export type SegmentEdge = {
  __typename?: 'SegmentEdge';
  cursor: Scalars['String']['output'];
  node: Segment;
};

export type SegmentSortKeys =
  | 'CREATION_DATE'
  | 'ID'
  | 'LAST_EDIT_DATE'
  | 'RELEVANCE';

export type SegmentStatistics = {
  __typename?: 'SegmentStatistics';
  attributeStatistics: SegmentAttributeStatistics;
};


export type SegmentStatisticsAttributeStatisticsArgs = {
  attributeName: Scalars['String']['input'];
};

export type SegmentUpdatePayload = {
  __typename?: 'SegmentUpdatePayload';
  segment?: Maybe<Segment>;
  userErrors: Array<UserError>;
};

export type Shop = Node & {
  __typename?: 'Shop';
  currencyCode: CurrencyCode;
  email: Scalars['String']['output'];
  ianaTimezone: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  myshopifyDomain: Scalars['String']['output'];
  name: Scalars['String']['output'];
  plan: ShopPlan;
  timezoneAbbreviation: Scalars['String']['output'];
  url: Scalars['URL']['output'];
};

export type ShopPlan = {
  __typename?: 'ShopPlan';
  displayName: Scalars['String']['output'];
  partnerDevelopment: Scalars['Boolean']['output'];
  publicDisplayName: Scalars['String']['output'];
  shopifyPlus: Scalars['Boolean']['output'];
};

export type StagedMediaUploadTarget = {
  __typename?: 'StagedMediaUploadTarget';
  parameters: Array<StagedUploadParameter>;
  resourceUrl?: Maybe<Scalars['URL']['output']>;
  url?: Maybe<Scalars['URL']['output']>;
};

export type StagedUploadHttpMethodType =
  | 'POST'
  | 'PUT';

export type StagedUploadInput = {
  fileSize?: InputMaybe<Scalars['UnsignedInt64']['input']>;
  filename: Scalars['String']['input'];
  httpMethod?: InputMaybe<StagedUploadHttpMethodType>;
  mimeType: Scalars['String']['input'];
  resource: StagedUploadTargetGenerateUploadResource;
};

export type StagedUploadParameter = {
  __typename?: 'StagedUploadParameter';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type StagedUploadTargetGenerateUploadResource =
  | 'BULK_MUTATION_VARIABLES'
  | 'COLLECTION_IMAGE'
  | 'DISPUTE_FILE_UPLOAD'
  | 'FILE'
  | 'IMAGE'
  | 'MODEL_3D'
  | 'PRODUCT_IMAGE'
  | 'RETURN_LABEL'
  | 'SHOP_IMAGE'
  | 'TIMELINE'
  | 'URL_REDIRECT_IMPORT'
  | 'VIDEO';

export type StagedUploadsCreatePayload = {
  __typename?: 'StagedUploadsCreatePayload';
  stagedTargets?: Maybe<Array<StagedMediaUploadTarget>>;
  userErrors: Array<UserError>;
};

export type TagsAddPayload = {
  __typename?: 'TagsAddPayload';
  node?: Maybe<Node>;
  userErrors: Array<UserError>;
};

export type TagsRemovePayload = {
  __typename?: 'TagsRemovePayload';
  node?: Maybe<Node>;
  userErrors: Array<UserError>;
};

export type UserError = {
  __typename?: 'UserError';
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};
