// Node's type definitions name the `undici-types` package for fetch; it is
// not installed here, and nothing in this app uses fetch, so these opaque
// stand-ins let the compile check every other declaration (skipLibCheck off).
declare module "undici-types" {
  export class Request {}
  export class Response {}
  export class FormData {}
  export class Headers {}
  export interface RequestInit {}
  export interface Dispatcher {}
  export type RequestInfo = string | Request;
  export type HeadersInit = Headers;
  export type BodyInit = string;
  export type RequestRedirect = string;
  export type RequestCredentials = string;
  export type RequestMode = string;
  export type ReferrerPolicy = string;
  export type RequestDuplex = string;
}
