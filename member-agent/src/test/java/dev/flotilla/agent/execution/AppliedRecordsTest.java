package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AppliedRecordsTest {
  private static final ObjectKey KEY = new ObjectKey("apps", "Deployment", "shop", "web");

  private static ObjectNode live(int generation, String rv, String workName) {
    return ManifestsTest.parse(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{"
            + "'name':'web','namespace':'shop','generation':"
            + generation
            + ",'resourceVersion':'"
            + rv
            + "','labels':{'karmada.io/managed':'true'},'annotations':{"
            + "'work.karmada.io/name':'"
            + workName
            + "','work.karmada.io/namespace':'karmada-es-m'}}}");
  }

  @Test
  void statusChangesDoNotReapplyButSpecChangesAndNewWorkSpecsDo() {
    WorkView work = ManifestsTest.work("{}");
    AppliedRecords records = new AppliedRecords();
    assertFalse(records.upToDate(work, KEY, live(1, "10", "w")), "nothing applied yet");
    records.record(work, KEY, live(1, "10", "w"));
    assertTrue(records.upToDate(work, KEY, live(1, "11", "w")), "a status update");
    assertFalse(records.upToDate(work, KEY, live(2, "12", "w")), "someone edited the spec");
    assertFalse(records.upToDate(work, KEY, live(1, "11", "other")), "another Work took it");
    assertFalse(records.upToDate(work, KEY, null), "deleted in the member");
    WorkView newer = WorkView.of(((ObjectNode) work.object().deepCopy()));
    ((ObjectNode) newer.object().get("metadata")).put("generation", 2);
    assertFalse(
        records.upToDate(WorkView.of(newer.object()), KEY, live(1, "11", "w")),
        "the Work's spec changed");
  }
}
