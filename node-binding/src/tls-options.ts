// The `tls` option of LiveTSServer: the core serves HTTPS and WSS itself
// with these files (lts_config.tls_cert_file, tls_key_file). Checked here
// so a missing option fails at construction; the files themselves are read
// by the core at listen() and at reloadTls(), which name the file and
// OpenSSL's reason when one cannot be used.

import * as path from "path";

import type { NativeConfig } from "./native";

/** PEM files for HTTPS and WSS. */
export interface TlsOptions {
  /** The certificate, then any intermediates (a "fullchain" file). */
  readonly cert: string;
  /** Its private key, unencrypted. */
  readonly key: string;
}

/** The core's options for `tls`, paths made absolute; {} without TLS. */
export function tlsConfig(tls: TlsOptions | undefined): Pick<NativeConfig, "tlsCertFile" | "tlsKeyFile"> {
  if (tls === undefined) return {};
  if (tls === null || typeof tls !== "object") throw new TypeError("tls must be { cert, key }: paths of PEM files");
  for (const name of ["cert", "key"] as const) {
    const file = tls[name];
    if (typeof file !== "string" || file === "") throw new TypeError(`tls.${name} must be the path of a PEM file`);
  }
  return { tlsCertFile: path.resolve(tls.cert), tlsKeyFile: path.resolve(tls.key) };
}
