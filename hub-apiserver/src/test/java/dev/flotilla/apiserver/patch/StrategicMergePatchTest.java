package dev.flotilla.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import org.junit.jupiter.api.Test;

/**
 * Strategic merge patch over the Kubernetes 1.33 schemas. The patches are the ones stock kubectl
 * 1.33 sent to a running hub (captured with {@code -v=10}): {@code kubectl apply} 3-way patches
 * after editing the file, and {@code kubectl patch -p}. The expected objects follow the
 * apimachinery strategicpatch rules (server mode) and, where shown, what the hub returned to {@code
 * kubectl get} afterwards.
 */
class StrategicMergePatchTest {
  private static final JsonMapper LENIENT =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
  private static final Schemas SCHEMAS = new Schemas(BuiltinCatalogue.get(), null);
  private static final SchemaNode DEPLOYMENT = SCHEMAS.builtin("apps", "v1", "Deployment");
  private static final SchemaNode CONFIGMAP = SCHEMAS.builtin("", "v1", "ConfigMap");
  private static final SchemaNode SERVICE = SCHEMAS.builtin("", "v1", "Service");
  private static final SchemaNode POD = SCHEMAS.builtin("", "v1", "Pod");

  static ObjectNode j(String json) {
    try {
      return (ObjectNode) LENIENT.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static ObjectNode patch(SchemaNode schema, String original, String patch) {
    return StrategicMergePatch.apply(j(original), j(patch), schema);
  }

  private static final String WEB =
      "{'metadata':{'name':'web','labels':{'app':'web','tier':'front'}},"
          + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},"
          + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},"
          + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':["
          + "{'name':'nginx','image':'nginx:1.25','args':['-a','-b'],"
          + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],'ports':[{'containerPort':80}]},"
          + "{'name':'side','image':'busybox'}],'volumes':[{'name':'data','emptyDir':{}}]}}}}";

  /** kubectl apply -f after removing label tier, env B, container side, volumes, rollingUpdate. */
  @Test
  void kubectlApplyThreeWayPatchRemovesWhatTheFileDropped() {
    String sent =
        "{'metadata':{'labels':{'tier':null}},'spec':{'replicas':3,"
            + "'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'},"
            + "'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],'containers':["
            + "{'$setElementOrder/env':[{'name':'C'},{'name':'A'}],"
            + "'$setElementOrder/ports':[{'containerPort':80},{'containerPort':443}],'args':['-a'],"
            + "'env':[{'name':'C','value':'3'},{'$patch':'delete','name':'B'}],'image':'nginx:1.26',"
            + "'name':'nginx','ports':[{'containerPort':443}]},{'$patch':'delete','name':'side'}],"
            + "'volumes':null}}}}";
    ObjectNode expected =
        j(
            "{'metadata':{'name':'web','labels':{'app':'web'}},"
                + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
                + "'strategy':{'type':'Recreate'},"
                + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':["
                + "{'name':'nginx','image':'nginx:1.26','args':['-a'],"
                + "'env':[{'name':'C','value':'3'},{'name':'A','value':'1'}],"
                + "'ports':[{'containerPort':80},{'containerPort':443}]}]}}}}");
    assertEquals(expected, patch(DEPLOYMENT, WEB, sent));
  }

  /** kubectl patch deploy web -p (containers merge by name: the other container stays). */
  @Test
  void kubectlPatchMergesContainersByName() {
    ObjectNode out =
        patch(
            DEPLOYMENT,
            WEB,
            "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}}}");
    var containers = out.at("/spec/template/spec/containers");
    assertEquals(2, containers.size());
    assertEquals("nginx:1.27", containers.get(0).path("image").asText());
    assertEquals(j("{'a':['-a','-b']}").get("a"), containers.get(0).get("args"));
    assertEquals("side", containers.get(1).path("name").asText());
  }

  /** A new item goes before the live ones (apimachinery's ordering rule for merged lists). */
  @Test
  void newListItemsComeFirst() {
    ObjectNode out =
        patch(
            DEPLOYMENT,
            WEB,
            "{'spec':{'template':{'spec':{'containers':" + "[{'name':'extra','image':'x'}]}}}}");
    var containers = out.at("/spec/template/spec/containers");
    assertEquals("extra", containers.get(0).path("name").asText());
    assertEquals("nginx", containers.get(1).path("name").asText());
    assertEquals("side", containers.get(2).path("name").asText());
  }

  @Test
  void patchReplaceDirectiveReplacesAListOrAMap() {
    ObjectNode out =
        patch(
            DEPLOYMENT,
            WEB,
            "{'spec':{'template':{'spec':{'containers':"
                + "[{'name':'only','image':'x'},{'$patch':'replace'}]}}}}");
    assertEquals(
        j("{'a':[{'name':'only','image':'x'}]}").get("a"),
        out.at("/spec/template/spec/containers"));
    out = patch(DEPLOYMENT, WEB, "{'metadata':{'labels':{'$patch':'replace','new':'1'}}}");
    assertEquals(j("{'new':'1'}"), out.at("/metadata/labels"));
    out = patch(DEPLOYMENT, WEB, "{'spec':{'strategy':{'$patch':'delete'}}}");
    assertEquals(j("{}"), out.at("/spec/strategy"));
  }

  /**
   * kubectl apply on a ConfigMap: finalizers (a set with strategy merge), ownerReferences by uid.
   */
  @Test
  void kubectlApplyPatchOnPrimitiveListsAndOwnerReferences() {
    String live =
        "{'metadata':{'name':'cm1','finalizers':['example.com/a','example.com/b'],"
            + "'ownerReferences':[{'apiVersion':'v1','kind':'ConfigMap','name':'owner1','uid':'u-1'},"
            + "{'apiVersion':'v1','kind':'ConfigMap','name':'owner2','uid':'u-2'}]},"
            + "'data':{'k1':'v1','k2':'v2'}}";
    String sent =
        "{'data':{'k1':'v1b','k2':null},'metadata':{"
            + "'$deleteFromPrimitiveList/finalizers':['example.com/b'],"
            + "'$setElementOrder/finalizers':['example.com/c','example.com/a'],"
            + "'$setElementOrder/ownerReferences':[{'uid':'u-2'}],'finalizers':['example.com/c'],"
            + "'ownerReferences':[{'controller':true,'uid':'u-2'},{'$patch':'delete','uid':'u-1'}]}}";
    ObjectNode expected =
        j(
            "{'metadata':{'name':'cm1','finalizers':['example.com/c','example.com/a'],"
                + "'ownerReferences':[{'apiVersion':'v1','kind':'ConfigMap','name':'owner2','uid':'u-2',"
                + "'controller':true}]},'data':{'k1':'v1b'}}");
    assertEquals(expected, patch(CONFIGMAP, live, sent));
  }

  /** Unions keep live items before a shared item where they were; unshared new items lead. */
  @Test
  void primitiveMergeListsAreUnioned() {
    ObjectNode out =
        patch(
            CONFIGMAP,
            "{'metadata':{'finalizers':['a','b']}}",
            "{'metadata':{'finalizers':['b','c']}}");
    assertEquals(j("{'f':['a','b','c']}").get("f"), out.at("/metadata/finalizers"));
    out =
        patch(
            CONFIGMAP,
            "{'metadata':{'finalizers':['a','b']}}",
            "{'metadata':{'finalizers':['c']}}");
    assertEquals(j("{'f':['c','a','b']}").get("f"), out.at("/metadata/finalizers"));
  }

  /** kubectl apply on a Service: ports merge by port; the captured patch and kubectl get result. */
  @Test
  void kubectlApplyPatchOnServicePorts() {
    String live =
        "{'spec':{'selector':{'app':'web'},'ports':[{'name':'http','port':80,"
            + "'targetPort':8080},{'name':'https','port':443,'targetPort':8443}]}}";
    String sent =
        "{'spec':{'$setElementOrder/ports':[{'port':9090},{'port':80}],'ports':["
            + "{'name':'metrics','port':9090},{'port':80,'targetPort':8081},"
            + "{'$patch':'delete','port':443}]}}";
    assertEquals(
        j("{'p':[{'name':'metrics','port':9090},{'name':'http','port':80," + "'targetPort':8081}]}")
            .get("p"),
        patch(SERVICE, live, sent).at("/spec/ports"));
  }

  /** kubectl apply on a Pod: volume source switched with $retainKeys; tolerations are atomic. */
  @Test
  void kubectlApplyPatchWithRetainKeysAndAtomicList() {
    String live =
        "{'spec':{'containers':[{'name':'app','image':'busybox'}],"
            + "'tolerations':[{'key':'a','operator':'Exists'}],"
            + "'volumes':[{'name':'data','emptyDir':{}}]}}";
    String sent =
        "{'spec':{'$setElementOrder/volumes':[{'name':'data'}],"
            + "'tolerations':[{'key':'b','operator':'Exists'}],'volumes':[{'$retainKeys':"
            + "['configMap','name'],'configMap':{'name':'cm'},'emptyDir':null,'name':'data'}]}}";
    ObjectNode out = patch(POD, live, sent);
    assertEquals(
        j("{'v':[{'name':'data','configMap':{'name':'cm'}}]}").get("v"), out.at("/spec/volumes"));
    assertEquals(
        j("{'t':[{'key':'b','operator':'Exists'}]}").get("t"), out.at("/spec/tolerations"));
  }

  @Test
  void retainKeysClearsUnlistedFieldsOfTheLiveMap() {
    ObjectNode out =
        patch(DEPLOYMENT, WEB, "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
    assertEquals(j("{'type':'Recreate'}"), out.at("/spec/strategy"));
  }

  @Test
  void nullDeletesAndNewSubtreesLoseDirectives() {
    ObjectNode out =
        patch(
            DEPLOYMENT,
            WEB,
            "{'metadata':{'labels':{'app':null}},"
                + "'spec':{'paused':true,'minReadySeconds':null,'template':{'spec':{'securityContext':"
                + "{'runAsUser':1,'fsGroup':null}}}}}");
    assertEquals(j("{'tier':'front'}"), out.at("/metadata/labels"));
    assertTrue(out.at("/spec/paused").asBoolean());
    assertEquals(j("{'runAsUser':1}"), out.at("/spec/template/spec/securityContext"));
  }

  @Test
  void invalidPatchesAreRejectedWithAStatus() {
    ApiException noKey =
        assertThrows(
            ApiException.class,
            () ->
                patch(
                    DEPLOYMENT,
                    WEB,
                    "{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"));
    assertEquals(422, noKey.code());
    assertTrue(
        noKey.getMessage().contains("does not contain declared merge key: name"),
        noKey.getMessage());
    ApiException retain =
        assertThrows(
            ApiException.class,
            () ->
                patch(
                    DEPLOYMENT,
                    WEB,
                    "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':2}}}}"));
    assertEquals(400, retain.code());
    ApiException directive =
        assertThrows(
            ApiException.class,
            () -> patch(DEPLOYMENT, WEB, "{'metadata':{'labels':{'$patch':'explode'}}}"));
    assertEquals(422, directive.code());
    ApiException order =
        assertThrows(
            ApiException.class,
            () ->
                patch(
                    DEPLOYMENT,
                    WEB,
                    "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],"
                        + "'containers':[{'name':'side','image':'y'}]}}}}"));
    assertEquals(400, order.code());
    ApiException mixed =
        assertThrows(
            ApiException.class,
            () ->
                patch(
                    CONFIGMAP,
                    "{'metadata':{'finalizers':['a']}}",
                    "{'metadata':{'finalizers':[1]}}"));
    assertEquals(422, mixed.code());
  }

  @Test
  void patcherRoutesStrategicPatchesThroughTheSchema() {
    ObjectNode out =
        Patcher.apply(
            PatchType.STRATEGIC,
            j(WEB),
            ("{\"spec\":{\"template\":{\"spec\":"
                    + "{\"containers\":[{\"name\":\"side\",\"image\":\"busybox:2\"}]}}}}")
                .getBytes(),
            DEPLOYMENT);
    assertEquals(2, out.at("/spec/template/spec/containers").size());
    assertEquals("busybox:2", out.at("/spec/template/spec/containers/1/image").asText());
  }
}
