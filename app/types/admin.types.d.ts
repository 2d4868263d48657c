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

export enum BulkMutationErrorCode {
  InternalFileServerError = 'INTERNAL_FILE_SERVER_ERROR',
  InvalidMutation = 'INVALID_MUTATION',
  InvalidStagedUploadFile = 'INVALID_STAGED_UPLOAD_FILE',
  LimitReached = 'LIMIT_REACHED',
  NoSuchFile = 'NO_SUCH_FILE',
  OperationInProgress = 'OPERATION_IN_PROGRESS'
}

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

export enum BulkOperationErrorCode {
  AccessDenied = 'ACCESS_DENIED',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
  Timeout = 'TIMEOUT'
}

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

export enum BulkOperationStatus {
  Canceled = 'CANCELED',
  Canceling = 'CANCELING',
  Completed = 'COMPLETED',
  Created = 'CREATED',
  Expired = 'EXPIRED',
  Failed = 'FAILED',
  Running = 'RUNNING'
}

export enum BulkOperationType {
  Mutation = 'MUTATION',
  Query = 'QUERY'
}

export type BulkOperationUserError = {
  __typename?: 'BulkOperationUserError';
  code?: Maybe<BulkOperationUserErrorCode>;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export enum BulkOperationUserErrorCode {
  Invalid = 'INVALID',
  LimitReached = 'LIMIT_REACHED',
  OperationInProgress = 'OPERATION_IN_PROGRESS'
}

export enum BulkOperationsSortKeys {
  CompletedAt = 'COMPLETED_AT',
  CreatedAt = 'CREATED_AT'
}

export type Count = {
  __typename?: 'Count';
  count: Scalars['Int']['output'];
  precision: CountPrecision;
};

export enum CountPrecision {
  AtLeast = 'AT_LEAST',
  Exact = 'EXACT'
}

export enum CurrencyCode {
  Aed = 'AED',
  Afn = 'AFN',
  All = 'ALL',
  Amd = 'AMD',
  Ang = 'ANG',
  Aoa = 'AOA',
  Ars = 'ARS',
  Aud = 'AUD',
  Awg = 'AWG',
  Azn = 'AZN',
  Bam = 'BAM',
  Bbd = 'BBD',
  Bdt = 'BDT',
  Bgn = 'BGN',
  Bhd = 'BHD',
  Bif = 'BIF',
  Bmd = 'BMD',
  Bnd = 'BND',
  Bob = 'BOB',
  Brl = 'BRL',
  Bsd = 'BSD',
  Btn = 'BTN',
  Bwp = 'BWP',
  Byn = 'BYN',
  Bzd = 'BZD',
  Cad = 'CAD',
  Cdf = 'CDF',
  Chf = 'CHF',
  Clp = 'CLP',
  Cny = 'CNY',
  Cop = 'COP',
  Crc = 'CRC',
  Cuc = 'CUC',
  Cup = 'CUP',
  Cve = 'CVE',
  Czk = 'CZK',
  Djf = 'DJF',
  Dkk = 'DKK',
  Dop = 'DOP',
  Dzd = 'DZD',
  Egp = 'EGP',
  Ern = 'ERN',
  Etb = 'ETB',
  Eur = 'EUR',
  Fjd = 'FJD',
  Fkp = 'FKP',
  Gbp = 'GBP',
  Gel = 'GEL',
  Ghs = 'GHS',
  Gip = 'GIP',
  Gmd = 'GMD',
  Gnf = 'GNF',
  Gtq = 'GTQ',
  Gyd = 'GYD',
  Hkd = 'HKD',
  Hnl = 'HNL',
  Hrk = 'HRK',
  Htg = 'HTG',
  Huf = 'HUF',
  Idr = 'IDR',
  Ils = 'ILS',
  Inr = 'INR',
  Iqd = 'IQD',
  Irr = 'IRR',
  Isk = 'ISK',
  Jmd = 'JMD',
  Jod = 'JOD',
  Jpy = 'JPY',
  Kes = 'KES',
  Kgs = 'KGS',
  Khr = 'KHR',
  Kmf = 'KMF',
  Kpw = 'KPW',
  Krw = 'KRW',
  Kwd = 'KWD',
  Kyd = 'KYD',
  Kzt = 'KZT',
  Lak = 'LAK',
  Lbp = 'LBP',
  Lkr = 'LKR',
  Lrd = 'LRD',
  Lsl = 'LSL',
  Lyd = 'LYD',
  Mad = 'MAD',
  Mdl = 'MDL',
  Mga = 'MGA',
  Mkd = 'MKD',
  Mmk = 'MMK',
  Mnt = 'MNT',
  Mop = 'MOP',
  Mru = 'MRU',
  Mur = 'MUR',
  Mvr = 'MVR',
  Mwk = 'MWK',
  Mxn = 'MXN',
  Myr = 'MYR',
  Mzn = 'MZN',
  Nad = 'NAD',
  Ngn = 'NGN',
  Nio = 'NIO',
  Nok = 'NOK',
  Npr = 'NPR',
  Nzd = 'NZD',
  Omr = 'OMR',
  Pab = 'PAB',
  Pen = 'PEN',
  Pgk = 'PGK',
  Php = 'PHP',
  Pkr = 'PKR',
  Pln = 'PLN',
  Pyg = 'PYG',
  Qar = 'QAR',
  Ron = 'RON',
  Rsd = 'RSD',
  Rub = 'RUB',
  Rwf = 'RWF',
  Sar = 'SAR',
  Sbd = 'SBD',
  Scr = 'SCR',
  Sdg = 'SDG',
  Sek = 'SEK',
  Sgd = 'SGD',
  Shp = 'SHP',
  Sle = 'SLE',
  Sll = 'SLL',
  Sos = 'SOS',
  Srd = 'SRD',
  Ssp = 'SSP',
  Stn = 'STN',
  Svc = 'SVC',
  Syp = 'SYP',
  Szl = 'SZL',
  Thb = 'THB',
  Tjs = 'TJS',
  Tmt = 'TMT',
  Tnd = 'TND',
  Top = 'TOP',
  Try = 'TRY',
  Ttd = 'TTD',
  Twd = 'TWD',
  Tzs = 'TZS',
  Uah = 'UAH',
  Ugx = 'UGX',
  Usd = 'USD',
  Uyu = 'UYU',
  Uzs = 'UZS',
  Ves = 'VES',
  Vnd = 'VND',
  Vuv = 'VUV',
  Wst = 'WST',
  Xaf = 'XAF',
  Xcd = 'XCD',
  Xcg = 'XCG',
  Xdr = 'XDR',
  Xof = 'XOF',
  Xpf = 'XPF',
  Xsu = 'XSU',
  Xxx = 'XXX',
  Yer = 'YER',
  Zar = 'ZAR',
  Zmw = 'ZMW',
  Zwg = 'ZWG',
  Zwl = 'ZWL'
}

export type Customer = Node & {
  __typename?: 'Customer';
  amountSpent: MoneyV2;
  createdAt: Scalars['DateTime']['output'];
  displayName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastOrder?: Maybe<Order>;
  legacyResourceId: Scalars['UnsignedInt64']['output'];
  metafield?: Maybe<Metafield>;
  metafields: MetafieldConnection;
  numberOfOrders: Scalars['UnsignedInt64']['output'];
  orders: OrderConnection;
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

export enum CustomerPredictedSpendTier {
  High = 'HIGH',
  Low = 'LOW',
  Medium = 'MEDIUM'
}

export enum CustomerRfmGroup {
  Active = 'ACTIVE',
  AlmostLost = 'ALMOST_LOST',
  AtRisk = 'AT_RISK',
  Champions = 'CHAMPIONS',
  Dormant = 'DORMANT',
  Loyal = 'LOYAL',
  NeedsAttention = 'NEEDS_ATTENTION',
  New = 'NEW',
  PreviouslyLoyal = 'PREVIOUSLY_LOYAL',
  Promising = 'PROMISING',
  Prospects = 'PROSPECTS'
}

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

export enum CustomerSortKeys {
  CreatedAt = 'CREATED_AT',
  Id = 'ID',
  Location = 'LOCATION',
  Name = 'NAME',
  Relevance = 'RELEVANCE',
  UpdatedAt = 'UPDATED_AT'
}

export enum CustomerState {
  Declined = 'DECLINED',
  Disabled = 'DISABLED',
  Enabled = 'ENABLED',
  Invited = 'INVITED'
}

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

export enum MetafieldAdminAccessInput {
  MerchantRead = 'MERCHANT_READ',
  MerchantReadWrite = 'MERCHANT_READ_WRITE'
}

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

export enum MetafieldCustomerAccountAccessInput {
  None = 'NONE',
  Read = 'READ',
  ReadWrite = 'READ_WRITE'
}

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

export enum MetafieldDefinitionCreateUserErrorCode {
  Blank = 'BLANK',
  DuplicateOption = 'DUPLICATE_OPTION',
  Inclusion = 'INCLUSION',
  Invalid = 'INVALID',
  InvalidCapability = 'INVALID_CAPABILITY',
  InvalidCharacter = 'INVALID_CHARACTER',
  InvalidOption = 'INVALID_OPTION',
  LimitExceeded = 'LIMIT_EXCEEDED',
  PinnedLimitReached = 'PINNED_LIMIT_REACHED',
  Present = 'PRESENT',
  ReservedNamespaceKey = 'RESERVED_NAMESPACE_KEY',
  Taken = 'TAKEN',
  TooLong = 'TOO_LONG',
  TooShort = 'TOO_SHORT',
  TypeNotAllowedForConditions = 'TYPE_NOT_ALLOWED_FOR_CONDITIONS',
  UnstructuredAlreadyExists = 'UNSTRUCTURED_ALREADY_EXISTS'
}

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

export enum MetafieldOwnerType {
  Company = 'COMPANY',
  Customer = 'CUSTOMER',
  Order = 'ORDER',
  Product = 'PRODUCT',
  Shop = 'SHOP'
}

export enum MetafieldStorefrontAccessInput {
  None = 'NONE',
  PublicRead = 'PUBLIC_READ'
}

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

export enum MetafieldsSetUserErrorCode {
  AppNotAuthorized = 'APP_NOT_AUTHORIZED',
  Blank = 'BLANK',
  CapabilityViolation = 'CAPABILITY_VIOLATION',
  Inclusion = 'INCLUSION',
  InternalError = 'INTERNAL_ERROR',
  Invalid = 'INVALID',
  InvalidCompareDigest = 'INVALID_COMPARE_DIGEST',
  InvalidType = 'INVALID_TYPE',
  InvalidValue = 'INVALID_VALUE',
  LessThanOrEqualTo = 'LESS_THAN_OR_EQUAL_TO',
  Present = 'PRESENT',
  StaleObject = 'STALE_OBJECT',
  Taken = 'TAKEN',
  TooLong = 'TOO_LONG',
  TooShort = 'TOO_SHORT'
}

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

export enum OrderSortKeys {
  CreatedAt = 'CREATED_AT',
  CustomerName = 'CUSTOMER_NAME',
  FinancialStatus = 'FINANCIAL_STATUS',
  FulfillmentStatus = 'FULFILLMENT_STATUS',
  Id = 'ID',
  OrderNumber = 'ORDER_NUMBER',
  ProcessedAt = 'PROCESSED_AT',
  Relevance = 'RELEVANCE',
  TotalPrice = 'TOTAL_PRICE',
  UpdatedAt = 'UPDATED_AT'
}

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

export enum SegmentSortKeys {
  CreationDate = 'CREATION_DATE',
  Id = 'ID',
  LastEditDate = 'LAST_EDIT_DATE',
  Relevance = 'RELEVANCE'
}

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

export enum StagedUploadHttpMethodType {
  Post = 'POST',
  Put = 'PUT'
}

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

export enum StagedUploadTargetGenerateUploadResource {
  BulkMutationVariables = 'BULK_MUTATION_VARIABLES',
  CollectionImage = 'COLLECTION_IMAGE',
  DisputeFileUpload = 'DISPUTE_FILE_UPLOAD',
  File = 'FILE',
  Image = 'IMAGE',
  Model_3D = 'MODEL_3D',
  ProductImage = 'PRODUCT_IMAGE',
  ReturnLabel = 'RETURN_LABEL',
  ShopImage = 'SHOP_IMAGE',
  Timeline = 'TIMELINE',
  UrlRedirectImport = 'URL_REDIRECT_IMPORT',
  Video = 'VIDEO'
}

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
