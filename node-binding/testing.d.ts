// livets/testing for TypeScript's classic "node" module resolution.
export * from "./dist/testing";
