/// <reference types="@shopify/app-bridge-types" />
/// <reference types="vite/client" />
