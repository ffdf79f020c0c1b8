// The virtual module scripts/build.mjs makes for hooks/launch.ts: one hook's complete bundle.
declare module 'blueplane:hook-source' {
  /** The minified CommonJS bundle of hooks/claude.ts or hooks/cursor.ts. */
  export const source: string;
  /** `<hook>-<hash of source>`: names the bundle's code cache. */
  export const id: string;
}
