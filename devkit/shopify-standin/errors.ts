import type {GraphQLError} from 'graphql';

/** A GraphQL error as Shopify words it; an unknown field reads "Field 'x' doesn't exist on type 'Y'" there. */
export function shopifyError(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = {message: error.message};
  if (error.locations) out.locations = error.locations;
  if (error.path) out.path = error.path;
  const unknownField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (unknownField) {
    out.message = `Field '${unknownField[1]}' doesn't exist on type '${unknownField[2]}'`;
    out.extensions = {code: 'undefinedField', typeName: unknownField[2], fieldName: unknownField[1]};
  } else if (Object.keys(error.extensions).length > 0) {
    out.extensions = error.extensions;
  }
  return out;
}
