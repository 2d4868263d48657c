// What simulated customers buy: a small fixed product catalogue, the
// discount codes and the reasons orders get cancelled.
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

export const DISCOUNT_CODES: { code: string; percent: number }[] = [
  { code: "WELCOME10", percent: 10 },
  { code: "SPRING15", percent: 15 },
  { code: "VIP20", percent: 20 },
  { code: "BFCM25", percent: 25 },
];

/** Shopify's cancel reasons, weighted towards "customer" as in real stores. */
export const CANCEL_REASONS = ["customer", "customer", "customer", "inventory", "fraud", "declined", "other"];
