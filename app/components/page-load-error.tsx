// A page's loader failed: said in the page, with a way to retry. Shopify's own auth responses
// (any error response but a 404) are shown as the app layout's boundary shows them, because
// @shopify/shopify-app-remix's boundary.error recognises them by a class name the client build
// minifies away; a 404 means the shop has no row yet (not installed).
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";

export function PageLoadError({ title, path, failed, detail }: { title: string; path: string; failed: string; detail: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404) return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" && error.data ? error.data : "Handling response" }} />;
  const notInstalled = isRouteErrorResponse(error);
  return (
    <Page title={title} backAction={{ content: "Segments", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title={notInstalled ? "This shop is not set up yet" : failed} action={{ content: "Try again", url: path }}>
            <p>{notInstalled ? "Open the app from your Shopify admin to finish the installation." : detail}</p>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
