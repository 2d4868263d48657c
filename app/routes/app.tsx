import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useEffect, type ReactNode } from "react";
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useNavigation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
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

function Shell({ apiKey, children }: { apiKey: string; children: ReactNode }) {
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
      {children}
    </AppProvider>
  );
}

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  return (
    <Shell apiKey={apiKey}>
      <Outlet />
    </Shell>
  );
}

// What boundary.error does, except that it tells Remix's error responses by their class name,
// which the client bundle's minifier renames: in the browser a thrown Response (a 404, say) was
// rethrown, so the page hydrated into the root error page. isRouteErrorResponse works in both.
// A page's 404 (an unknown customer or segment) keeps the app's frame: navigation and a Polaris page.
export function ErrorBoundary() {
  const error = useRouteError();
  const shell = useRouteLoaderData<typeof loader>("routes/app");
  if (isRouteErrorResponse(error) && error.status === 404 && shell) {
    return (
      <Shell apiKey={shell.apiKey}>
        <Page title="Not found" backAction={{ content: "Overview", url: "/app" }}>
          <Layout>
            <Layout.Section>
              <Banner tone="warning" title={typeof error.data === "string" && error.data ? error.data : "There is nothing at this address"} action={{ content: "Back to the overview", url: "/app" }}>
                <p>It may have been removed, or the link is out of date.</p>
              </Banner>
            </Layout.Section>
          </Layout>
        </Page>
      </Shell>
    );
  }
  if (isRouteErrorResponse(error)) return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" && error.data ? error.data : "Handling response" }} />;
  return boundary.error(error);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
