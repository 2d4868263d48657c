// Personal data of a simulated store's customers and guest buyers, as Shopify
// holds it: first and last name, email, an E.164 phone number and a default
// address. Only shops generated with `personalData: true` have it
// (`shop.personalData`); every other store is unchanged.
//
// A person is a pure function of the shop's seed, its domain and the customer
// id (a guest: the order id), drawn from a stream of its own. So customers
// created later (live traffic, the control API) have personal data too, and
// the generator's draws, hence its stores, are the same with or without it.
//
// The strings are chosen to be found by a privacy scan without false
// positives: first names of eight letters or more, double-barrelled surnames,
// emails `first.last.<n>@example.net` (n: the customer's sequence in the
// shop, so unique), phone numbers unique per shop, unusual street names,
// ZIP+4 and alphanumeric postcodes. `personalDataOf` lists them all.
import { ID_BASES, shopIdSlot } from "./ids";
import type { SimAddress, SimOrder, SimPerson, SimShop } from "./model";
import { createRng, type Rng } from "../support/random";

const FIRST_NAMES = [
  "Anastasia", "Bartholomew", "Cordelia", "Evangeline", "Florentina", "Gwendolyn", "Hyacinth", "Leopoldina",
  "Maximilian", "Ottoline", "Peregrine", "Rosalind", "Sebastian", "Theodora", "Valentina", "Wilhelmina",
  "Ignatius", "Augustine", "Clementine", "Desdemona", "Ferdinand", "Genevieve", "Humphrey", "Josephine",
  "Leonidas", "Marguerite", "Nathaniel", "Percival", "Reginald", "Seraphina", "Thaddeus", "Winifred",
];
const SURNAMES_A = [
  "Fairweather", "Lindqvist", "Okonkwo", "Castellanos", "Abernathy", "Ravensworth", "Nakashima", "Oyelaran",
  "Thistlewood", "Brightwater", "Kowalczyk", "Montgomery", "Villanueva", "Achterberg", "Haverford", "Quatermain",
];
const SURNAMES_B = [
  "Ashdown", "Barrowclough", "Cheverton", "Dunleavy", "Eskildsen", "Fitzwarren", "Grimshaw", "Holloway",
  "Inglethorpe", "Jaramillo", "Kettleborough", "Lockwood", "Merriweather", "Northcott", "Pemberton", "Rutherford",
];
const STREETS = [
  "Larkspur Hollow", "Quillfeather", "Marrowbone", "Bramblewood", "Juniper Ridge", "Foxglove", "Wrenfield",
  "Tamarack Bend", "Saltmarsh", "Cobblestone Mill", "Heronsgate", "Ambergate", "Wychwood", "Lanternfield",
];
const STREET_TYPES = ["Road", "Lane", "Avenue", "Drive", "Crescent", "Terrace", "Way"];

interface Place {
  city: string;
  province: string | null;
  provinceCode: string | null;
  /** US: first three digits of the ZIP; CA: forward sortation area; GB: outward code. */
  postal: string;
  /** US and CA: area code. */
  area?: string;
}
interface Country {
  name: string;
  code: "US" | "CA" | "GB";
  places: Place[];
}

const COUNTRIES: Country[] = [
  {
    name: "United States",
    code: "US",
    places: [
      { city: "Sacramento", province: "California", provinceCode: "CA", postal: "958", area: "916" },
      { city: "Milwaukee", province: "Wisconsin", provinceCode: "WI", postal: "532", area: "414" },
      { city: "Albuquerque", province: "New Mexico", provinceCode: "NM", postal: "871", area: "505" },
      { city: "Pittsburgh", province: "Pennsylvania", provinceCode: "PA", postal: "152", area: "412" },
      { city: "Savannah", province: "Georgia", provinceCode: "GA", postal: "314", area: "912" },
      { city: "Spokane", province: "Washington", provinceCode: "WA", postal: "992", area: "509" },
    ],
  },
  {
    name: "Canada",
    code: "CA",
    places: [
      { city: "Saskatoon", province: "Saskatchewan", provinceCode: "SK", postal: "S7K", area: "306" },
      { city: "Kelowna", province: "British Columbia", provinceCode: "BC", postal: "V1Y", area: "250" },
      { city: "Lethbridge", province: "Alberta", provinceCode: "AB", postal: "T1J", area: "403" },
      { city: "Fredericton", province: "New Brunswick", provinceCode: "NB", postal: "E3B", area: "506" },
    ],
  },
  {
    name: "United Kingdom",
    code: "GB",
    places: [
      { city: "Cheltenham", province: null, provinceCode: null, postal: "GL50" },
      { city: "Aberystwyth", province: null, provinceCode: null, postal: "SY23" },
      { city: "Harrogate", province: null, provinceCode: null, postal: "HG1" },
    ],
  },
];

const CA_LETTERS = [..."ABCEGHJKLMNPRSTVWXYZ"];
const GB_LETTERS = [..."ABDEFGHJLNPQRSTUWXYZ"];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(Math.floor(rng() * 10))).join("");

/** A bijection of 0..m-1 (7919 is prime and divides neither 8e6 nor 9e8): unique numbers that do not look sequential. */
const scramble = (n: number, m: number): number => (((n % m) * 7919 + 104_729) % m + m) % m;

function draw(rng: Rng, n: string, phoneSeq: number | null): SimPerson {
  const firstName = pick(rng, FIRST_NAMES);
  const lastName = `${pick(rng, SURNAMES_A)}-${pick(rng, SURNAMES_B)}`;
  const u = rng();
  const country = u < 0.6 ? COUNTRIES[0] : u < 0.8 ? COUNTRIES[1] : COUNTRIES[2];
  const place = pick(rng, country.places);
  const number = 1 + Math.floor(rng() * 9998);
  const street = `${pick(rng, STREETS)} ${pick(rng, STREET_TYPES)}`;
  let zip: string;
  let phone: string;
  if (country.code === "US") {
    zip = `${place.postal}${digits(rng, 2)}-${1000 + Math.floor(rng() * 9000)}`;
  } else if (country.code === "CA") {
    zip = `${place.postal} ${Math.floor(rng() * 10)}${pick(rng, CA_LETTERS)}${Math.floor(rng() * 10)}`;
  } else {
    zip = `${place.postal} ${1 + Math.floor(rng() * 9)}${pick(rng, GB_LETTERS)}${pick(rng, GB_LETTERS)}`;
  }
  // Customers: unique per shop (a function of their sequence); guests: drawn.
  const seq = phoneSeq ?? Math.floor(rng() * 8_000_000);
  if (country.code === "GB") phone = `+447${100_000_000 + scramble(seq, 900_000_000)}`;
  else phone = `+1${place.area}${2_000_000 + scramble(seq, 8_000_000)}`;
  const defaultAddress: SimAddress = {
    address1: `${number} ${street}`,
    address2: null,
    city: place.city,
    province: place.province,
    provinceCode: place.provinceCode,
    zip,
    country: country.name,
    countryCode: country.code,
  };
  return { firstName, lastName, email: `${firstName}.${lastName}.${n}@example.net`.toLowerCase(), phone, defaultAddress };
}

const cache = new WeakMap<SimShop, Map<string, SimPerson>>();

function cached(shop: SimShop, key: string, make: (seed: string) => SimPerson): SimPerson | null {
  if (!shop.personalData) return null;
  let m = cache.get(shop);
  if (!m) cache.set(shop, (m = new Map()));
  let p = m.get(key);
  if (!p) m.set(key, (p = make(shop.personalData.seed)));
  return p;
}

/** The customer's personal data (null when the shop has none). */
export function customerPerson(shop: SimShop, customerId: number): SimPerson | null {
  return cached(shop, `c${customerId}`, (seed) => {
    const seq = customerId - ID_BASES.customer - shopIdSlot(shop.domain);
    return draw(createRng(`${seed}|${shop.domain}|person|${customerId}`), String(seq), seq);
  });
}

/** A guest checkout's buyer (null when the shop has none). */
export function guestPerson(shop: SimShop, orderId: number): SimPerson | null {
  return cached(shop, `g${orderId}`, (seed) => {
    const seq = orderId - ID_BASES.order - shopIdSlot(shop.domain);
    return draw(createRng(`${seed}|${shop.domain}|guest|${orderId}`), `g${seq}`, null);
  });
}

/** Who placed the order: its customer, or the guest buyer. */
export function orderPerson(shop: SimShop, order: SimOrder): SimPerson | null {
  return order.customerId === null ? guestPerson(shop, order.id) : customerPerson(shop, order.customerId);
}

export interface PersonalDataRow {
  customerId: number | null;
  /** Guest checkouts: the order. */
  orderId: number | null;
  person: SimPerson;
}

/** Every person in the shop: each customer (deleted ones too), then each guest buyer. */
export function personalDataOf(shop: SimShop): PersonalDataRow[] {
  if (!shop.personalData) return [];
  const rows: PersonalDataRow[] = [];
  for (const c of shop.customers.values()) rows.push({ customerId: c.id, orderId: null, person: customerPerson(shop, c.id)! });
  for (const o of shop.orders.values()) if (o.customerId === null) rows.push({ customerId: null, orderId: o.id, person: guestPerson(shop, o.id)! });
  return rows;
}
