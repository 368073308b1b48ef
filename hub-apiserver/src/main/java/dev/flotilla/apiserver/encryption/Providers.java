package dev.flotilla.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * kube-apiserver's encryption providers, byte for byte in their stored form: a prefix {@code
 * k8s:enc:<provider>:v1:<key name>:} then aesgcm's 12-byte nonce and sealed data (the storage key
 * as additional data), secretbox's 24-byte nonce and NaCl box, or aescbc's 16-byte IV and
 * PKCS#7-padded ciphertext.
 */
final class Providers {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Providers() {}

  /** One key of one provider: what it writes, and whether (and how) it reads stored bytes. */
  interface Provider {
    /** The stored prefix; empty for identity. */
    byte[] prefix();

    byte[] seal(byte[] plain, String storageKey) throws GeneralSecurityException;

    byte[] open(byte[] sealed, String storageKey) throws GeneralSecurityException;
  }

  static byte[] storedPrefix(String type, String keyName) {
    return ("k8s:enc:" + type + ":v1:" + keyName + ":").getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes values as they are. */
  static final class Identity implements Provider {
    @Override
    public byte[] prefix() {
      return new byte[0];
    }

    @Override
    public byte[] seal(byte[] plain, String storageKey) {
      return plain;
    }

    @Override
    public byte[] open(byte[] sealed, String storageKey) {
      return sealed;
    }
  }

  /** AES-GCM with a random 96-bit nonce; the storage key is authenticated with the value. */
  static final class AesGcm implements Provider {
    private final byte[] prefix;
    private final SecretKeySpec key;

    AesGcm(String name, byte[] secret) {
      this.prefix = storedPrefix("aesgcm", name);
      this.key = new SecretKeySpec(secret, "AES");
    }

    @Override
    public byte[] prefix() {
      return prefix;
    }

    @Override
    public byte[] seal(byte[] plain, String storageKey) throws GeneralSecurityException {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
      return concat(nonce, c.doFinal(plain));
    }

    @Override
    public byte[] open(byte[] sealed, String storageKey) throws GeneralSecurityException {
      if (sealed.length < 12 + 16) {
        throw new GeneralSecurityException("the stored data is too short for aesgcm");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
      c.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(sealed, 12, sealed.length - 12);
    }
  }

  /** AES-CBC with a random IV and PKCS#7 padding (read and written as upstream does). */
  static final class AesCbc implements Provider {
    private final byte[] prefix;
    private final SecretKeySpec key;

    AesCbc(String name, byte[] secret) {
      this.prefix = storedPrefix("aescbc", name);
      this.key = new SecretKeySpec(secret, "AES");
    }

    @Override
    public byte[] prefix() {
      return prefix;
    }

    @Override
    public byte[] seal(byte[] plain, String storageKey) throws GeneralSecurityException {
      byte[] iv = new byte[16];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      return concat(iv, c.doFinal(plain));
    }

    @Override
    public byte[] open(byte[] sealed, String storageKey) throws GeneralSecurityException {
      if (sealed.length < 32 || sealed.length % 16 != 0) {
        throw new GeneralSecurityException("the stored data is not aescbc ciphertext");
      }
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(sealed, 0, 16));
      return c.doFinal(sealed, 16, sealed.length - 16);
    }
  }

  /** NaCl secretbox (XSalsa20 and Poly1305) with a random 192-bit nonce. */
  static final class SecretBox implements Provider {
    private final byte[] prefix;
    private final byte[] key;

    SecretBox(String name, byte[] secret) {
      this.prefix = storedPrefix("secretbox", name);
      this.key = secret.clone();
    }

    @Override
    public byte[] prefix() {
      return prefix;
    }

    @Override
    public byte[] seal(byte[] plain, String storageKey) {
      byte[] nonce = new byte[24];
      RANDOM.nextBytes(nonce);
      return concat(nonce, seal(key, nonce, plain));
    }

    @Override
    public byte[] open(byte[] sealed, String storageKey) throws GeneralSecurityException {
      if (sealed.length < 24 + 16) {
        throw new GeneralSecurityException("the stored data is too short for secretbox");
      }
      return open(key, Arrays.copyOf(sealed, 24), Arrays.copyOfRange(sealed, 24, sealed.length));
    }

    /** NaCl's crypto_secretbox: tag (16 bytes) then ciphertext, as Go's secretbox.Seal. */
    static byte[] seal(byte[] key, byte[] nonce, byte[] plain) {
      XSalsa20Engine stream = stream(key, nonce);
      byte[] macKey = new byte[32];
      stream.processBytes(new byte[32], 0, 32, macKey, 0);
      byte[] out = new byte[16 + plain.length];
      stream.processBytes(plain, 0, plain.length, out, 16);
      byte[] tag = mac(macKey, out, 16, plain.length);
      System.arraycopy(tag, 0, out, 0, 16);
      return out;
    }

    static byte[] open(byte[] key, byte[] nonce, byte[] box) throws GeneralSecurityException {
      XSalsa20Engine stream = stream(key, nonce);
      byte[] macKey = new byte[32];
      stream.processBytes(new byte[32], 0, 32, macKey, 0);
      byte[] tag = mac(macKey, box, 16, box.length - 16);
      if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, 16))) {
        throw new GeneralSecurityException("secretbox authentication failed");
      }
      byte[] plain = new byte[box.length - 16];
      stream.processBytes(box, 16, plain.length, plain, 0);
      return plain;
    }

    private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
      XSalsa20Engine engine = new XSalsa20Engine();
      engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
      return engine;
    }

    private static byte[] mac(byte[] macKey, byte[] data, int offset, int length) {
      Poly1305 poly = new Poly1305();
      poly.init(new KeyParameter(macKey));
      poly.update(data, offset, length);
      byte[] tag = new byte[16];
      poly.doFinal(tag, 0);
      return tag;
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
