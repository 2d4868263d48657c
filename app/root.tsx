import type { ReactNode } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError, useRouteLoaderData } from "@remix-run/react";

// The document around every page, and around the error page below. Inside the
// embedded app (routes/app and below) App Bridge is the first script of the
// head, with the app's API key, as Shopify asks (before any other script).
export function Layout({ children }: { children: ReactNode }) {
  const embedded = useRouteLoaderData("routes/app") as { apiKey: string; appBridgeUrl: string } | undefined;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        {embedded ? (
          <>
            <meta name="shopify-api-key" content={embedded.apiKey} />
            <script src={embedded.appBridgeUrl} data-api-key={embedded.apiKey} />
          </>
        ) : null}
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

// Last resort for what no route boundary handled: an unknown URL (404), a
// thrown Response, or a crash. A plain page, no details of the error.
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 404 ? "Not found" : status < 500 ? `Error ${status}` : "Something went wrong";
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
      <h1>{title}</h1>
      <p>{status === 404 ? "There is no page at this address." : "The page could not be shown. Try again, or reopen the app from your Shopify admin."}</p>
    </main>
  );
}
