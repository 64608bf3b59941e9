"""Throwaway certificates for the TLS tests, made with the openssl command
at test time: a CA, and server certificates it signs for 127.0.0.1 and
localhost. Nothing here is ever trusted outside the test that made it."""

import base64
import hashlib
import ssl
import subprocess
from pathlib import Path

OPENSSL = "openssl"


def _run(*args, stdin=None):
    return subprocess.run([OPENSSL, *args], check=True, capture_output=True, input=stdin).stdout


class CertificateAuthority:
    """A CA of the test's own in `directory`; `issue` signs server certificates."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.key = self.directory / "ca.key"
        self.cert = self.directory / "ca.crt"
        _run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(self.key), "-out", str(self.cert), "-days", "2", "-subj", "/CN=LiveTS test CA")

    def issue(self, name, cert=None, key=None):
        """A certificate for 127.0.0.1 and localhost with common name `name`;
        written to `cert` and `key` (default: `name`.crt and `name`.key)."""
        cert = Path(cert or self.directory / f"{name}.crt")
        key = Path(key or self.directory / f"{name}.key")
        request = self.directory / f"{name}.csr"
        extensions = self.directory / f"{name}.ext"
        extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        _run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(request), "-subj", f"/CN={name}")
        _run("x509", "-req", "-in", str(request), "-CA", str(self.cert), "-CAkey", str(self.key), "-CAcreateserial",
             "-out", str(cert), "-days", "2", "-extfile", str(extensions))
        return cert, key

    def client_context(self):
        """A client context that trusts this CA only, and checks the name."""
        context = ssl.create_default_context(cafile=str(self.cert))
        return context


def spki_hash(cert):
    """base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's
    --ignore-certificate-errors-spki-list takes."""
    public_key = _run("x509", "-in", str(cert), "-pubkey", "-noout")
    der = _run("pkey", "-pubin", "-outform", "der", stdin=public_key)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def common_name(peer_cert):
    """The subject CN of a certificate as ssl.getpeercert() gives it."""
    for entry in peer_cert["subject"]:
        for key, value in entry:
            if key == "commonName":
                return value
    return None
