package dev.flotilla.apiserver.protobuf;

/** Input that is not a decodable Kubernetes protobuf body; becomes a 400 at the decoder's edge. */
final class MalformedProtobufException extends RuntimeException {
  MalformedProtobufException(String message) {
    super(message, null, false, false);
  }
}
