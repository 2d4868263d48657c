// What simulated customers buy: a small fixed product catalogue (seven
// product types), the discount codes and the reasons orders get cancelled.
import type { Rng } from "../support/random";

export interface CatalogueProduct {
  id: number;
  title: string;
  productType: string;
  /** Relative popularity. */
  weight: number;
}

/** A small fixed catalogue; product ids are stable across shops. */
export const CATALOGUE: CatalogueProduct[] = [
  { id: 8061536829701, title: "Classic Tee", productType: "Apparel", weight: 14 },
  { id: 8061536829702, title: "Hoodie", productType: "Apparel", weight: 7 },
  { id: 8061536829703, title: "Running Shoes", productType: "Footwear", weight: 5 },
  { id: 8061536829704, title: "Sandals", productType: "Footwear", weight: 3 },
  { id: 8061536829705, title: "Canvas Tote", productType: "Accessories", weight: 6 },
  { id: 8061536829706, title: "Sunglasses", productType: "Accessories", weight: 4 },
  { id: 8061536829707, title: "Vitamin C Serum", productType: "Beauty", weight: 9 },
  { id: 8061536829708, title: "Face Cream", productType: "Beauty", weight: 6 },
  { id: 8061536829709, title: "Ground Coffee", productType: "Grocery", weight: 10 },
  { id: 8061536829710, title: "Green Tea", productType: "Grocery", weight: 5 },
  { id: 8061536829711, title: "Scented Candle", productType: "Home", weight: 5 },
  { id: 8061536829712, title: "Gift Card", productType: "Gift Cards", weight: 2 },
];
const CATALOGUE_CUM: number[] = (() => {
  let acc = 0;
  return CATALOGUE.map((p) => (acc += p.weight));
})();

/** A product drawn by popularity (one rng draw). */
export function pickProduct(rng: Rng): CatalogueProduct {
  const x = rng() * CATALOGUE_CUM[CATALOGUE_CUM.length - 1];
  let i = 0;
  while (CATALOGUE_CUM[i] <= x) i++;
  return CATALOGUE[i];
}

/** The catalogue's product types, in catalogue order. */
export const PRODUCT_TYPES: readonly string[] = [...new Set(CATALOGUE.map((p) => p.productType))];
const BY_TYPE = new Map<string, { products: CatalogueProduct[]; cum: number[] }>(
  PRODUCT_TYPES.map((type) => {
    const products = CATALOGUE.filter((p) => p.productType === type);
    let acc = 0;
    return [type, { products, cum: products.map((p) => (acc += p.weight)) }];
  }),
);

/** A product of the given type, drawn by popularity within the type (one rng draw). */
export function pickProductOfType(rng: Rng, productType: string): CatalogueProduct {
  const group = BY_TYPE.get(productType);
  if (!group) throw new Error(`pickProductOfType: no product of type ${productType}`);
  const x = rng() * group.cum[group.cum.length - 1];
  let i = 0;
  while (group.cum[i] <= x) i++;
  return group.products[i];
}

export const DISCOUNT_CODES: { code: string; percent: number }[] = [
  { code: "WELCOME10", percent: 10 },
  { code: "SPRING15", percent: 15 },
  { code: "VIP20", percent: 20 },
  { code: "BFCM25", percent: 25 },
];

/** Shopify's cancel reasons, weighted towards "customer" as in real stores. */
export const CANCEL_REASONS = ["customer", "customer", "customer", "inventory", "fraud", "declined", "other"];
