// Metafield rules the Admin API enforces: known types, value validation, and
// the compareDigest used for optimistic concurrency in metafieldsSet.
import { createHash } from "node:crypto";

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Metafield types the simulator validates. */
export function validateMetafieldValue(type: string, value: string): string | null {
  switch (type) {
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : `Value must be a decimal.`;
    case "number_integer":
      return /^-?\d+$/.test(value) && Math.abs(Number(value)) <= 9007199254740991 ? null : `Value must be an integer.`;
    case "boolean":
      return value === "true" || value === "false" ? null : `Value must be true or false.`;
    case "date_time":
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : `Value must be in \`YYYY-MM-DDTHH:MM:SS\` format.`;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : `Value must be in \`YYYY-MM-DD\` format.`;
    case "single_line_text_field":
      return /[\r\n]/.test(value) ? `Value must be a single line text string.` : value.length > 65535 ? "Value is too long." : null;
    case "multi_line_text_field":
      return null;
    case "list.single_line_text_field": {
      // A JSON array of single-line strings.
      let items: unknown;
      try {
        items = JSON.parse(value);
      } catch {
        return "Value is invalid JSON.";
      }
      if (!Array.isArray(items) || items.some((v) => typeof v !== "string" || /[\r\n]/.test(v))) return "Value must be an array of single line text strings.";
      return null;
    }
    case "json":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value is invalid JSON.";
      }
    default:
      return KNOWN_TYPES.has(type) ? null : `Type '${type}' is not a valid type.`;
  }
}

export const KNOWN_TYPES = new Set([
  "number_decimal", "number_integer", "boolean", "date_time", "date", "single_line_text_field",
  "multi_line_text_field", "json", "url", "color", "rating", "money", "weight", "volume", "dimension",
  "list.single_line_text_field", "list.number_integer", "list.number_decimal", "customer_reference",
  "product_reference", "collection_reference", "variant_reference", "file_reference", "page_reference",
]);
