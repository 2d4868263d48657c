// Where Shopify sessions (offline access tokens) are stored: the Session
// table, in the shape @shopify/shopify-app-session-storage-prisma expects.
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "../db.server";

export function prismaSessionStorage(): PrismaSessionStorage<typeof prisma> {
  return new PrismaSessionStorage(prisma);
}
