package dev.flotilla.apiserver.auth;

import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.objects.ResourceStorage;
import java.nio.file.Path;

/**
 * ServiceAccount identities for one API server, wired in one place: the index of accounts, the
 * token signer and verifier (a source of the token authenticator), and the {@code
 * serviceaccounts/token} subresource.
 */
public final class ServiceAccounts implements AutoCloseable {
  private final ServiceAccountIndex index = new ServiceAccountIndex();
  private final ServiceAccountTokens tokens;
  private final ResourceStorage storage;

  private ServiceAccounts(ResourceStorage storage, Path dataDir) {
    this.storage = storage;
    this.tokens = ServiceAccountTokens.loadOrCreate(dataDir, index);
  }

  /** Indexes the accounts and makes {@code authenticator} accept their tokens. */
  public static ServiceAccounts start(
      ResourceStorage storage, Path dataDir, TokenAuthenticator authenticator) {
    ServiceAccounts accounts = new ServiceAccounts(storage, dataDir);
    accounts.index.start(storage);
    authenticator.addSource(accounts.tokens::lookup);
    authenticator.addCostlyCheck(accounts.tokens::needsVerification);
    authenticator.addAudienceSource(accounts.tokens::review);
    return accounts;
  }

  public ServiceAccountTokens tokens() {
    return tokens;
  }

  /** Serves TokenRequest on {@code server}. */
  public void serveOn(ApiServer server) {
    server.addSubresource("", "serviceaccounts", "token", new TokenRequests(storage, tokens));
  }

  @Override
  public void close() {
    index.close();
  }
}
