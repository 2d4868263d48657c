import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useEffect } from "react";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

/** Shopify's App Bridge; in simulator mode the simulator's stand-in serves it instead. */
const APP_BRIDGE_CDN = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const appBridgeUrl = env.SHOPIFY_SIMULATOR_URL ? `${env.SHOPIFY_SIMULATOR_URL}/cdn/app-bridge.js` : APP_BRIDGE_CDN;
  // root.tsx reads this (useRouteLoaderData("routes/app")) to load App Bridge first thing in the document head.
  return { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl };
};

// The admin's navigation for the app (App Bridge's ui-nav-menu): the admin shows
// it in its sidebar, not the app. The rel="home" link is the app's landing page
// (the admin's link on the app's name goes there; it is not listed again).
// Remix <Link>s, so the admin's clicks navigate client-side.
const NAVIGATION = [
  { to: "/app", label: "Overview", home: true },
  { to: "/app/migration", label: "Migration" },
  { to: "/app/segments", label: "Segments" },
  { to: "/app/model", label: "Model quality" },
  { to: "/app/lift", label: "Holdout lift" },
  { to: "/app/settings", label: "Settings" },
] as const;

/** While a page loads, the admin's loading bar runs (App Bridge's shopify.loading), as for Shopify's own pages. */
function AdminLoadingBar() {
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    shopify.loading(busy);
  }, [shopify, busy]);
  return null;
}

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  // isEmbeddedApp={false}: App Bridge's script tag is already in the head (root.tsx);
  // this only stops AppProvider from adding a second one in the body.
  return (
    <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
      <NavMenu>
        {NAVIGATION.map((item) => (
          <Link key={item.to} to={item.to} rel={"home" in item ? "home" : undefined}>
            {item.label}
          </Link>
        ))}
      </NavMenu>
      <AdminLoadingBar />
      <Outlet />
    </AppProvider>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
