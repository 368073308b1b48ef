package dev.flotilla.apiserver.registry;

import java.util.List;

/**
 * One served resource (group, version, plural) and the facts discovery, routing and storage need.
 *
 * @param group API group, "" for the core group
 * @param version API version, e.g. "v1"
 * @param kind object kind, e.g. "Deployment"
 * @param plural URL resource name, e.g. "deployments"
 * @param singular singular name, e.g. "deployment"
 * @param namespaced true when objects live in a namespace
 * @param verbs verbs served, in discovery order (create, delete, deletecollection, get, list,
 *     patch, update, watch)
 * @param shortNames kubectl short names, e.g. "deploy"
 * @param categories discovery categories, e.g. "all"
 * @param subresources served subresources, e.g. "status", "scale"
 * @param listKind the kind of a list of these objects, e.g. "DeploymentList"
 * @param builtin true for compiled-in kinds, false for kinds defined by a CustomResourceDefinition
 * @param storageVersion true when this version is the one objects are stored in
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> verbs,
    List<String> shortNames,
    List<String> categories,
    List<String> subresources,
    String listKind,
    boolean builtin,
    boolean storageVersion) {

  /** The apiVersion string objects of this type carry, "v1" or "group/version". */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The group-version path prefix: "api/v1" or "apis/group/version". */
  public String groupVersionPath() {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  /** Group and resource, the identity shared by every version of this resource. */
  public String groupResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  public boolean hasSubresource(String name) {
    return subresources.contains(name);
  }

  public boolean supports(String verb) {
    return verbs.contains(verb);
  }
}
