#!/usr/bin/env bash
# The seed walkthrough (oras-project/distribution README: "Push, Discover, Pull"), replayed against
# a running Berth with curl, jq and openssl only:
#   - the image is built here (no docker pull), as a Docker schema 2 image like the seed's busybox;
#   - openssl creates the seed's self-signed certificate and, in place of `nv2 sign`, a JWS
#     signature of the manifest in nv2 prototype-2 form; in place of `nv2 verify`, openssl checks it;
#   - every other command (the artifact heredoc, the blob POST/PUT, the artifact PUT, the referrers
#     queries and the jq lookups) is the seed's, verbatim.
#
# usage: examples/oras-walkthrough.sh [host:port]     (default 127.0.0.1:5000)
# Start Berth first: java -jar registry-jetty-launcher/target/berth.jar
set -euo pipefail

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# Initialize local registry variables (the seed's, with the address as an argument)
registry="${1:-${REGISTRY:-127.0.0.1:5000}}"
regIp="${registry%:*}" && \
  regPort="${registry##*:}" && \
  repo="${REPO:-busybox}" && \
  tag="latest" && \
  image="$repo:$tag" && \
  reference="$registry/$image"

step "Registry $registry answers /v2/"
curl -sf "http://$registry/v2/" > /dev/null || fail "no registry at http://$registry/v2/"

step "Build a small Docker image here (in place of docker pull busybox) and push it"
mkdir rootfs && printf 'hello from the seed walkthrough\n' > rootfs/hello.txt
tar -C rootfs --mtime='2021-09-01 00:00:00' --owner=0 --group=0 --numeric-owner -cf layer.tar hello.txt
gzip -n -9 -c layer.tar > layer.tar.gz
diffId="sha256:$(sha256sum layer.tar | cut -d " " -f 1)"
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/cat","/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$diffId" > config.json
push_blob() { # file -> digest
  local file=$1 digest location
  digest="sha256:$(sha256sum "$file" | cut -d " " -f 1)"
  location=$(curl -sf -I -X POST "http://$registry/v2/$repo/blobs/uploads/" | grep -i "^Location: " | sed -e 's/^[Ll]ocation: //;s/\r//')
  case "$location" in *\?*) sep='&' ;; *) sep='?' ;; esac
  curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary @"$file" "$location${sep}digest=$digest" > /dev/null \
    || fail "push of $file"
  echo "$digest"
}
layerDigest=$(push_blob layer.tar.gz)
configDigest=$(push_blob config.json)
cat > image-manifest.json <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":$(wc -c < config.json),"digest":"$configDigest"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":$(wc -c < layer.tar.gz),"digest":"$layerDigest"}]}
JSON
curl -sf -X PUT -H "Content-Type: application/vnd.docker.distribution.manifest.v2+json" \
  --data-binary @image-manifest.json "http://$registry/v2/$repo/manifests/$tag" > /dev/null \
  || fail "push of the image manifest"
echo "pushed $reference"

step "Generate self-signed certificates (the seed's openssl command)"
openssl req \
  -x509 \
  -sha256 \
  -nodes \
  -newkey rsa:2048 \
  -days 365 \
  -subj "/CN=$regIp/O=example inc/C=IN/ST=Haryana/L=Gurgaon" \
  -addext "subjectAltName=IP:$regIp" \
  -keyout example.key \
  -out example.crt 2> /dev/null

step "Generate image manifest (in place of docker generate: the registry's own bytes)"
manifestFile="manifest-to-sign.json" && \
  curl -sf -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
    "http://$registry/v2/$repo/manifests/$tag" > "$manifestFile"
cmp -s "$manifestFile" image-manifest.json || fail "the registry changed the manifest bytes"

step "Sign manifest (in place of nv2 sign: a JWS in nv2 prototype-2 form, by openssl)"
signatureFile="manifest-signature.jwt"
now=$(date +%s)
x5c=$(openssl x509 -in example.crt -outform DER | openssl base64 -A)
header=$(printf '{"alg":"RS256","typ":"x509","x5c":["%s"]}' "$x5c" | b64url)
claims=$(printf '{"digest":"sha256:%s","exp":%d,"iat":%d,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","nbf":%d,"references":["%s"],"size":%d}' \
  "$(sha256sum "$manifestFile" | cut -d " " -f 1)" $((now + 31536000)) "$now" "$now" "$reference" "$(wc -c < "$manifestFile")" | b64url)
sig=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign example.key -binary | b64url)
printf '%s.%s.%s' "$header" "$claims" "$sig" > "$signatureFile"

step "Obtain manifest and signature digests (the seed's commands)"
manifestDigest="sha256:$(sha256sum $manifestFile | cut -d " " -f 1)" && \
  signatureDigest="sha256:$(sha256sum $signatureFile | cut -d " " -f 1)"
echo "manifest $manifestDigest, signature $signatureDigest"

step "Create an Artifact file referencing the manifest that was signed and its signature as blob"
artifactFile="artifact.json" && \
  artifactMediaType="application/vnd.cncf.oras.artifact.manifest.v1+json" && \
  artifactType="application/vnd.cncf.notary.v2" && \
  signatureMediaType="application/vnd.cncf.notary.signature.v2+jwt" && \
  signatureFileSize=`wc -c < $signatureFile` && \
  manifestMediaType="$(cat $manifestFile | jq -r '.mediaType')" && \
  manifestFileSize=`wc -c < $manifestFile`

cat <<EOF > $artifactFile
{
  "mediaType": "$artifactMediaType",
  "artifactType": "$artifactType",
  "blobs": [
    {
      "mediaType": "$signatureMediaType",
      "digest": "$signatureDigest",
      "size": $signatureFileSize
    }
  ],
  "subject": {
      "mediaType": "$manifestMediaType",
      "digest": "$manifestDigest",
      "size": $manifestFileSize
  }
}
EOF

step "Obtain artifact digest"
artifactDigest="sha256:$(sha256sum $artifactFile | cut -d " " -f 1)"
echo "artifact $artifactDigest"

# A walkthrough run earlier against the same registry left its own signature of this (identical)
# manifest: remove it, so that the seed's `.references[0]` below finds this run's.
for old in $(curl -s "http://$registry/v2/$repo/referrers/$manifestDigest" | jq -r '.manifests[].digest'); do
  curl -sf -X DELETE "http://$registry/v2/$repo/manifests/$old" > /dev/null || true
done

step "Push signature and artifact (the seed's commands)"
# Initiate blob upload and obtain PUT location
blobPutLocation=`curl -I -X POST -s http://$registry/v2/$repo/blobs/uploads/ | grep "Location: " | sed -e "s/Location: //;s/$/\&digest=$signatureDigest/;s/\r//"`
[ -n "$blobPutLocation" ] || fail "no Location from the upload POST"

# Push signature blob
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: application/octet-stream" --data-binary @"$signatureFile" $blobPutLocation)
[ "$code" = 201 ] || fail "signature blob PUT answered $code"

# Push artifact
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$artifactFile" -H "Content-Type: $artifactMediaType" "http://$registry/v2/$repo/manifests/$artifactDigest")
[ "$code" = 201 ] || fail "artifact PUT answered $code"

step "List referrers (the seed's ORAS route)"
# Retrieve referrers
curl -s "http://$registry/oras/artifacts/v1/$repo/manifests/$manifestDigest/referrers?artifactType=$artifactType" | jq
count=$(curl -s "http://$registry/oras/artifacts/v1/$repo/manifests/$manifestDigest/referrers?artifactType=$artifactType" | jq '.references | length')
[ "$count" = 1 ] || fail "expected 1 referrer on the ORAS route, got $count"

step "List referrers (the OCI 1.1 route)"
curl -s "http://$registry/v2/$repo/referrers/$manifestDigest" | jq
ociDigest=$(curl -s "http://$registry/v2/$repo/referrers/$manifestDigest?artifactType=$artifactType" | jq -r '.manifests[0].digest')
[ "$ociDigest" = "$artifactDigest" ] || fail "the OCI route lists $ociDigest, not $artifactDigest"

step "Retrieve signature (the seed's commands)"
artifactDigest=`curl -s "http://$registry/oras/artifacts/v1/$repo/manifests/$manifestDigest/referrers?artifactType=$artifactType" | jq -r '.references[0].digest'` && \
  signatureDigest=`curl -s "http://$registry/oras/artifacts/v1/$repo/manifests/$artifactDigest" | jq -r '.blobs[0].digest'` && \
  retrievedSignatureFile="retrieved-signature.json" && \
  curl -s http://$registry/v2/$repo/blobs/$signatureDigest > $retrievedSignatureFile
cmp -s "$retrievedSignatureFile" "$signatureFile" || fail "the retrieved signature differs from the pushed one"

step "Verify signature (in place of nv2 verify: openssl checks the JWS and its claims)"
IFS=. read -r jwsHeader jwsClaims jwsSig < "$retrievedSignatureFile" || true
unb64url() { local s=$1; s=$(printf '%s' "$s" | tr -- '-_' '+/'); while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done; printf '%s' "$s" | openssl base64 -d -A; }
unb64url "$jwsHeader" | jq -r '.x5c[0]' | openssl base64 -d -A | openssl x509 -inform DER -out signer.crt
cmp -s <(openssl x509 -in signer.crt -outform DER) <(openssl x509 -in example.crt -outform DER) \
  || fail "the signature was not made by example.crt"
openssl x509 -in example.crt -pubkey -noout > example.pub
unb64url "$jwsSig" > signature.bin
printf '%s.%s' "$jwsHeader" "$jwsClaims" | openssl dgst -sha256 -verify example.pub -signature signature.bin \
  || fail "bad signature"
signedDigest=$(unb64url "$jwsClaims" | jq -r '.digest')
signedSize=$(unb64url "$jwsClaims" | jq -r '.size')
[ "$signedDigest" = "$manifestDigest" ] || fail "the signature covers $signedDigest, not $manifestDigest"
[ "$signedSize" = "$(wc -c < "$manifestFile")" ] || fail "the signed size differs"
echo "signature of $manifestDigest verified with example.crt"

step "Walkthrough complete"
