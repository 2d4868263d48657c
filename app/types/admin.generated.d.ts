/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type RfmBulkRunQueryMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RfmBulkRunQueryMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message' | 'code'>> }> };

export type RfmBulkOperationQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RfmBulkOperationQuery = { bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'url' | 'partialDataUrl'>> };

export type RfmStagedUploadMutationVariables = AdminTypes.Exact<{
  input: Array<AdminTypes.StagedUploadInput> | AdminTypes.StagedUploadInput;
}>;


export type RfmStagedUploadMutation = { stagedUploadsCreate?: AdminTypes.Maybe<{ stagedTargets?: AdminTypes.Maybe<Array<(
      Pick<AdminTypes.StagedMediaUploadTarget, 'url' | 'resourceUrl'>
      & { parameters: Array<Pick<AdminTypes.StagedUploadParameter, 'name' | 'value'>> }
    )>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmBulkMutationMutationVariables = AdminTypes.Exact<{
  mutation: AdminTypes.Scalars['String']['input'];
  path: AdminTypes.Scalars['String']['input'];
  clientIdentifier?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmBulkMutationMutation = { bulkOperationRunMutation?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkMutationUserError, 'field' | 'message' | 'code'>> }> };

export type RfmCustomerRfmGroupsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
}>;


export type RfmCustomerRfmGroupsQuery = { nodes: Array<AdminTypes.Maybe<(
    Pick<AdminTypes.Customer, 'id'>
    & { statistics: Pick<AdminTypes.CustomerStatistics, 'rfmGroup'> }
  )>> };

export type RfmCustomerTagsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RfmCustomerTagsQuery = { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id' | 'tags'>> };

export type RfmFlowTriggerMutationVariables = AdminTypes.Exact<{
  handle: AdminTypes.Scalars['String']['input'];
  payload: AdminTypes.Scalars['JSON']['input'];
}>;


export type RfmFlowTriggerMutation = { flowTriggerReceive?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmDefinitionsQueryVariables = AdminTypes.Exact<{
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  namespace?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmDefinitionsQuery = { metafieldDefinitions: { nodes: Array<(
      Pick<AdminTypes.MetafieldDefinition, 'id' | 'key'>
      & { type: Pick<AdminTypes.MetafieldDefinitionType, 'name'> }
    )>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } };

export type RfmDefinitionCreateMutationVariables = AdminTypes.Exact<{
  definition: AdminTypes.MetafieldDefinitionInput;
}>;


export type RfmDefinitionCreateMutation = { metafieldDefinitionCreate?: AdminTypes.Maybe<{ createdDefinition?: AdminTypes.Maybe<Pick<AdminTypes.MetafieldDefinition, 'id' | 'key'>>, userErrors: Array<Pick<AdminTypes.MetafieldDefinitionCreateUserError, 'field' | 'message' | 'code'>> }> };

export type RfmOrderFieldsFragment = (
  Pick<AdminTypes.Order, 'id' | 'createdAt' | 'updatedAt' | 'processedAt' | 'cancelledAt' | 'test' | 'currencyCode' | 'presentmentCurrencyCode' | 'discountCodes'>
  & { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, currentTotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
);

export type RfmOrderQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RfmOrderQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'createdAt' | 'updatedAt' | 'processedAt' | 'cancelledAt' | 'test' | 'currencyCode' | 'presentmentCurrencyCode' | 'discountCodes'>
    & { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, currentTotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
  )> };

export type RfmOrdersUpdatedQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmOrdersUpdatedQuery = { orders: { nodes: Array<(
      Pick<AdminTypes.Order, 'id' | 'createdAt' | 'updatedAt' | 'processedAt' | 'cancelledAt' | 'test' | 'currencyCode' | 'presentmentCurrencyCode' | 'discountCodes'>
      & { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, currentTotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } };

export type RfmCustomersUpdatedQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmCustomersUpdatedQuery = { customers: { nodes: Array<Pick<AdminTypes.Customer, 'id' | 'createdAt' | 'updatedAt' | 'tags'>>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } };

export type RfmProductTypesQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
}>;


export type RfmProductTypesQuery = { nodes: Array<AdminTypes.Maybe<Pick<AdminTypes.Product, 'id' | 'productType'>>> };

export type RfmSegmentsQueryVariables = AdminTypes.Exact<{
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmSegmentsQuery = { segments: { nodes: Array<Pick<AdminTypes.Segment, 'id' | 'name' | 'query'>>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } };

export type RfmSegmentUpdateMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  name?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RfmSegmentUpdateMutation = { segmentUpdate?: AdminTypes.Maybe<{ segment?: AdminTypes.Maybe<Pick<AdminTypes.Segment, 'id' | 'name' | 'query'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmSegmentCreateMutationVariables = AdminTypes.Exact<{
  name: AdminTypes.Scalars['String']['input'];
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RfmSegmentCreateMutation = { segmentCreate?: AdminTypes.Maybe<{ segment?: AdminTypes.Maybe<Pick<AdminTypes.Segment, 'id' | 'name' | 'query'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmSegmentDeleteMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RfmSegmentDeleteMutation = { segmentDelete?: AdminTypes.Maybe<(
    Pick<AdminTypes.SegmentDeletePayload, 'deletedSegmentId'>
    & { userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }
  )> };

export type RfmBulkTagsAddMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type RfmBulkTagsAddMutation = { tagsAdd?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmBulkTagsRemoveMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type RfmBulkTagsRemoveMutation = { tagsRemove?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RfmBulkMetafieldsSetMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type RfmBulkMetafieldsSetMutation = { metafieldsSet?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code' | 'elementIndex'>> }> };

export type RfmBulkMetafieldsDeleteMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldIdentifierInput> | AdminTypes.MetafieldIdentifierInput;
}>;


export type RfmBulkMetafieldsDeleteMutation = { metafieldsDelete?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

interface GeneratedQueryTypes {
  "#graphql\n  query RfmBulkOperation($id: ID!) {\n    bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }\n  }": {return: RfmBulkOperationQuery, variables: RfmBulkOperationQueryVariables},
  "#graphql\n  query RfmCustomerRfmGroups($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on Customer { id statistics { rfmGroup } } }\n  }": {return: RfmCustomerRfmGroupsQuery, variables: RfmCustomerRfmGroupsQueryVariables},
  "#graphql\n  query RfmCustomerTags($id: ID!) {\n    customer(id: $id) { id tags }\n  }": {return: RfmCustomerTagsQuery, variables: RfmCustomerTagsQueryVariables},
  "#graphql\n  query RfmDefinitions($after: String, $namespace: String) {\n    metafieldDefinitions(first: 50, after: $after, ownerType: CUSTOMER, namespace: $namespace) {\n      nodes { id key type { name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }": {return: RfmDefinitionsQuery, variables: RfmDefinitionsQueryVariables},
  "#graphql\n  query RfmOrder($id: ID!) { order(id: $id) { ...RfmOrderFields } }\n  #graphql\n  fragment RfmOrderFields on Order {\n    id createdAt updatedAt processedAt cancelledAt test currencyCode presentmentCurrencyCode\n    customer { id }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    currentTotalPriceSet { shopMoney { amount currencyCode } }\n    discountCodes\n  }": {return: RfmOrderQuery, variables: RfmOrderQueryVariables},
  "#graphql\n  query RfmOrdersUpdated($query: String!, $after: String) {\n    orders(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {\n      nodes { ...RfmOrderFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n  #graphql\n  fragment RfmOrderFields on Order {\n    id createdAt updatedAt processedAt cancelledAt test currencyCode presentmentCurrencyCode\n    customer { id }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    currentTotalPriceSet { shopMoney { amount currencyCode } }\n    discountCodes\n  }": {return: RfmOrdersUpdatedQuery, variables: RfmOrdersUpdatedQueryVariables},
  "#graphql\n  query RfmCustomersUpdated($query: String!, $after: String) {\n    customers(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {\n      nodes { id createdAt updatedAt tags }\n      pageInfo { hasNextPage endCursor }\n    }\n  }": {return: RfmCustomersUpdatedQuery, variables: RfmCustomersUpdatedQueryVariables},
  "#graphql\n  query RfmProductTypes($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on Product { id productType } }\n  }": {return: RfmProductTypesQuery, variables: RfmProductTypesQueryVariables},
  "#graphql\n  query RfmSegments($after: String) {\n    segments(first: 250, after: $after) { nodes { id name query } pageInfo { hasNextPage endCursor } }\n  }": {return: RfmSegmentsQuery, variables: RfmSegmentsQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation RfmBulkRunQuery($query: String!) {\n    bulkOperationRunQuery(query: $query) {\n      bulkOperation { id status }\n      userErrors { field message code }\n    }\n  }": {return: RfmBulkRunQueryMutation, variables: RfmBulkRunQueryMutationVariables},
  "#graphql\n  mutation RfmStagedUpload($input: [StagedUploadInput!]!) {\n    stagedUploadsCreate(input: $input) {\n      stagedTargets { url resourceUrl parameters { name value } }\n      userErrors { field message }\n    }\n  }": {return: RfmStagedUploadMutation, variables: RfmStagedUploadMutationVariables},
  "#graphql\n  mutation RfmBulkMutation($mutation: String!, $path: String!, $clientIdentifier: String) {\n    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path, clientIdentifier: $clientIdentifier) {\n      bulkOperation { id status }\n      userErrors { field message code }\n    }\n  }": {return: RfmBulkMutationMutation, variables: RfmBulkMutationMutationVariables},
  "#graphql\n  mutation RfmFlowTrigger($handle: String!, $payload: JSON!) {\n    flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }\n  }": {return: RfmFlowTriggerMutation, variables: RfmFlowTriggerMutationVariables},
  "#graphql\n  mutation RfmDefinitionCreate($definition: MetafieldDefinitionInput!) {\n    metafieldDefinitionCreate(definition: $definition) {\n      createdDefinition { id key }\n      userErrors { field message code }\n    }\n  }": {return: RfmDefinitionCreateMutation, variables: RfmDefinitionCreateMutationVariables},
  "#graphql\n  mutation RfmSegmentUpdate($id: ID!, $name: String, $query: String) {\n    segmentUpdate(id: $id, name: $name, query: $query) { segment { id name query } userErrors { field message } }\n  }": {return: RfmSegmentUpdateMutation, variables: RfmSegmentUpdateMutationVariables},
  "#graphql\n  mutation RfmSegmentCreate($name: String!, $query: String!) {\n    segmentCreate(name: $name, query: $query) { segment { id name query } userErrors { field message } }\n  }": {return: RfmSegmentCreateMutation, variables: RfmSegmentCreateMutationVariables},
  "#graphql\n  mutation RfmSegmentDelete($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { field message } } }": {return: RfmSegmentDeleteMutation, variables: RfmSegmentDeleteMutationVariables},
  "#graphql\n  mutation RfmBulkTagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }": {return: RfmBulkTagsAddMutation, variables: RfmBulkTagsAddMutationVariables},
  "#graphql\n  mutation RfmBulkTagsRemove($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { field message } } }": {return: RfmBulkTagsRemoveMutation, variables: RfmBulkTagsRemoveMutationVariables},
  "#graphql\n  mutation RfmBulkMetafieldsSet($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { field message code elementIndex } } }": {return: RfmBulkMetafieldsSetMutation, variables: RfmBulkMetafieldsSetMutationVariables},
  "#graphql\n  mutation RfmBulkMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $metafields) { userErrors { field message } } }": {return: RfmBulkMetafieldsDeleteMutation, variables: RfmBulkMetafieldsDeleteMutationVariables},
}
declare module '../shopify/admin-operations' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
