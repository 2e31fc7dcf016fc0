# Sourced by up.sh: a throwaway CA, the API server's serving certificate, client certificates and
# the service-account signing key, all with openssl. Regenerated for every fresh start (etcd is
# empty then too), so nothing here is a long-lived secret.

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# issue NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
issue() {
  local name="$1" subject="$2" extensions="$3"
  new_key "$PKI_DIR/$name.key"
  openssl req -new -key "$PKI_DIR/$name.key" -subj "$subject" -out "$PKI_DIR/$name.csr"
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days 30 -sha256 -out "$PKI_DIR/$name.crt" \
    -extfile <(printf '%s\n' "$extensions") 2>/dev/null
  rm -f "$PKI_DIR/$name.csr"
}

generate_pki() {
  rm -rf "$PKI_DIR"
  mkdir -p "$PKI_DIR"
  chmod 700 "$PKI_DIR"
  new_key "$PKI_DIR/ca.key"
  openssl req -x509 -new -key "$PKI_DIR/ca.key" -subj "/CN=klarsyn-dev-ca" -days 30 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI_DIR/ca.crt"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  issue apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue admin "/O=system:masters/CN=klarsyn-dev-admin" "$client"
  # The controller manager gets the identity RBAC's bootstrap policy grants it, not system:masters.
  issue kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  new_key "$PKI_DIR/sa.key"
  openssl pkey -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub"
}

# write_kubeconfig FILE CLIENT: a self-contained kubeconfig (certificates inlined).
write_kubeconfig() {
  local file="$1" client="$2"
  local b64="base64 -w0"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: klarsyn-dev
    cluster:
      server: https://127.0.0.1:$APISERVER_PORT
      certificate-authority-data: $($b64 "$PKI_DIR/ca.crt")
users:
  - name: $client
    user:
      client-certificate-data: $($b64 "$PKI_DIR/$client.crt")
      client-key-data: $($b64 "$PKI_DIR/$client.key")
contexts:
  - name: klarsyn-dev
    context:
      cluster: klarsyn-dev
      user: $client
current-context: klarsyn-dev
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}
