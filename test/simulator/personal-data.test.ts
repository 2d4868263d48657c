import { describe, expect, it } from "vitest";
import { generateStore } from "./generator";
import { customerPerson, personalDataOf } from "./personal-data";
import { customerPayload, customersDataRequestPayload, orderPayload } from "./webhook-payloads";
import { startSimulator } from "./server";

const asOf = "2026-11-22T00:00:00Z";
const serialize = (shop: ReturnType<typeof generateStore>["shop"]) =>
  JSON.stringify({ ...shop, personalData: undefined, customers: [...shop.customers.values()], orders: [...shop.orders.values()] });

describe("personal data of simulated customers", () => {
  const plain = generateStore({ domain: "pii.myshopify.com", seed: 5, customers: 800, asOf });
  const { shop } = generateStore({ domain: "pii.myshopify.com", seed: 5, customers: 800, asOf, personalData: true });

  it("is off by default and changes nothing else in the store", () => {
    expect(plain.shop.personalData).toBeUndefined();
    expect(personalDataOf(plain.shop)).toEqual([]);
    expect(customerPerson(plain.shop, [...plain.shop.customers.keys()][0])).toBeNull();
    expect(serialize(shop)).toBe(serialize(plain.shop));
  });

  it("is deterministic from the seed, with unique emails and E.164 phones per shop", () => {
    const again = generateStore({ domain: "pii.myshopify.com", seed: 5, customers: 800, asOf, personalData: true }).shop;
    expect(JSON.stringify(personalDataOf(again))).toBe(JSON.stringify(personalDataOf(shop)));
    const customers = personalDataOf(shop).filter((r) => r.customerId !== null);
    expect(customers).toHaveLength(800);
    expect(new Set(customers.map((r) => r.person.email)).size).toBe(800);
    expect(new Set(customers.map((r) => r.person.phone)).size).toBe(800);
    for (const { person } of customers) {
      expect(person.phone).toMatch(/^\+(1\d{10}|447\d{9})$/);
      expect(person.email).toMatch(/^[a-z]+\.[a-z]+-[a-z]+\.\d+@example\.net$/);
      expect(person.defaultAddress.zip).toMatch(/^(\d{5}-\d{4}|[A-Z]\d[A-Z] \d[A-Z]\d|[A-Z]{2}\d{1,2} \d[A-Z]{2})$/);
    }
    const other = generateStore({ domain: "pii.myshopify.com", seed: 6, customers: 800, asOf, personalData: true }).shop;
    expect(JSON.stringify(personalDataOf(other))).not.toBe(JSON.stringify(personalDataOf(shop)));
  });

  it("fills Shopify's REST fields of customer, order and compliance payloads", () => {
    const c = [...shop.customers.values()][3];
    const p = customerPerson(shop, c.id)!;
    const payload = customerPayload(shop, c) as Record<string, any>;
    expect(payload).toMatchObject({ email: p.email, first_name: p.firstName, last_name: p.lastName, phone: p.phone });
    expect(payload.default_address).toMatchObject({ address1: p.defaultAddress.address1, city: p.defaultAddress.city, zip: p.defaultAddress.zip, country_code: p.defaultAddress.countryCode, default: true });
    expect(payload.addresses).toEqual([payload.default_address]);
    const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;
    const buyer = customerPerson(shop, order.customerId!)!;
    const op = orderPayload(shop, order) as Record<string, any>;
    expect(op).toMatchObject({ email: buyer.email, contact_email: buyer.email, phone: buyer.phone });
    expect(op.customer).toMatchObject({ email: buyer.email, first_name: buyer.firstName });
    expect(op.billing_address).toMatchObject({ name: `${buyer.firstName} ${buyer.lastName}`, address1: buyer.defaultAddress.address1, zip: buyer.defaultAddress.zip });
    expect(op.shipping_address).toEqual(op.billing_address);
    const guest = [...shop.orders.values()].find((o) => o.customerId === null)!;
    expect((orderPayload(shop, guest) as Record<string, any>).email).toMatch(/\.g\d+@example\.net$/);
    expect(customersDataRequestPayload(shop, c.id, [], 1)).toMatchObject({ customer: { id: c.id, email: p.email, phone: p.phone } });
    const none = orderPayload(plain.shop, [...plain.shop.orders.values()][0]) as Record<string, any>;
    expect([none.email, none.phone, none.billing_address, none.shipping_address]).toEqual([null, null, null, null]);
  });

  it("serves the Customer fields of the Admin API, and the control API passes the option and lists the data", async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const created = await fetch(`${sim.url}/_sim/shops`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ domain: "pii-ctl.myshopify.com", generate: { seed: 9, customers: 20, personalData: true } }),
      });
      expect(created.status).toBe(201);
      const rows = (await (await fetch(`${sim.url}/_sim/shops/pii-ctl.myshopify.com/personal-data`)).json()) as { customerId: number | null; person: { email: string } }[];
      expect(rows.filter((r) => r.customerId !== null)).toHaveLength(20);
      const simShop = sim.ctx.shops.get("pii-ctl.myshopify.com")!;
      const c = [...simShop.customers.values()][0];
      const p = customerPerson(simShop, c.id)!;
      const { hooks } = sim.ctx;
      const token = hooks!.issueAccessToken("pii-ctl.myshopify.com");
      const r = await fetch(`${sim.url}/store/pii-ctl.myshopify.com/admin/api/2026-01/graphql.json`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": token },
        body: JSON.stringify({
          query: `{ customer(id: "gid://shopify/Customer/${c.id}") { displayName firstName lastName email phone defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { address1 city province provinceCode zip country countryCodeV2 name } } }`,
        }),
      });
      const body = (await r.json()) as { data: { customer: Record<string, any> } };
      expect(body.data.customer).toEqual({
        displayName: `${p.firstName} ${p.lastName}`,
        firstName: p.firstName,
        lastName: p.lastName,
        email: p.email,
        phone: p.phone,
        defaultEmailAddress: { emailAddress: p.email },
        defaultPhoneNumber: { phoneNumber: p.phone },
        defaultAddress: {
          address1: p.defaultAddress.address1,
          city: p.defaultAddress.city,
          province: p.defaultAddress.province,
          provinceCode: p.defaultAddress.provinceCode,
          zip: p.defaultAddress.zip,
          country: p.defaultAddress.country,
          countryCodeV2: p.defaultAddress.countryCode,
          name: `${p.firstName} ${p.lastName}`,
        },
      });
    } finally {
      await sim.close();
    }
  });
});
