// The product version, injected by the build (scripts/build.mjs); "dev" when run from source.
declare const BLUEPLANE_VERSION: string | undefined;

export const PRODUCT_VERSION: string = typeof BLUEPLANE_VERSION === 'string' ? BLUEPLANE_VERSION : 'dev';
