/*
 * Copyright 2026 The Spillway Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.spillway.combine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.io.TempFileTracker;
import io.spillway.sort.SpillTestSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Who owns an {@link ExternalList}'s file ({@link ExternalList.FileState}) and what it reserves:
 * serializing changes nothing (twice, then iterating the original), the hand-over to a list
 * that outlives its task, the Cleaner, and the reservation of the values of the list being
 * filled. Every test ends without leaked memory or files (checked in teardown).
 */
class ExternalListTest {
  private static final int VALUES = 20_000;
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.AnyRef();

  @TempDir Path spillDirectory;

  @RegisterExtension final SpillTestSupport.LeakCheck leakCheck = new SpillTestSupport.LeakCheck();

  private SpillTestSupport support(long memoryBytes) {
    return leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, memoryBytes));
  }

  private static MergerContext context(SpillTestSupport support, long listSpillThresholdBytes) {
    return new MergerContext(
        MergerSettings.defaults().withListSpillThresholdBytes(listSpillThresholdBytes),
        support.taskMemoryManager,
        support.serializerManager,
        support.serializer,
        new TempFileTracker<>(support.fileFactory));
  }

  /** 0, 1, ..., VALUES - 1, most of them spilled to the list's file. */
  private static ExternalList<Integer> spilledList(MergerContext context) throws IOException {
    ExternalList<Integer> list = new ExternalList<>(context);
    for (int i = 0; i < VALUES; i++) {
      list.add(i);
    }
    assertTrue(list.bytesSpilled() > 0, "the list should have spilled");
    return list;
  }

  private static void assertAllValues(Iterable<Integer> list) {
    int expected = 0;
    for (int value : list) {
      assertEquals(expected++, value);
    }
    assertEquals(VALUES, expected);
  }

  private static byte[] javaSerialized(Object object) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static ExternalList<Integer> javaDeserialized(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (ExternalList<Integer>) in.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  private static ExternalList<Integer> kryoCopy(
      SerializerInstance kryo, ExternalList<Integer> list) {
    return (ExternalList<Integer>) kryo.deserialize(kryo.serialize(list, ANY), ANY);
  }

  @Test
  void spilledListSerializedTwiceGivesEveryValueEachTimeAndStaysReadable() throws Exception {
    SpillTestSupport support = support(1 << 20);
    ExternalList<Integer> list = spilledList(context(support, 8 * 1024));
    SerializerInstance kryo = new KryoSerializer(support.conf).newInstance();

    byte[] first = javaSerialized(list);
    byte[] second = javaSerialized(list);
    assertArrayEquals(first, second, "serializing must not change the list");
    assertAllValues(javaDeserialized(first));
    assertAllValues(javaDeserialized(second));
    assertAllValues(kryoCopy(kryo, list));
    assertAllValues(kryoCopy(kryo, list));

    assertEquals(ExternalList.FileState.TASK_OWNS, list.fileState());
    assertAllValues(list);
    assertAllValues(list);
    list.close();
    assertEquals(ExternalList.FileState.DELETED, list.fileState());
  }

  @Test
  void listHandedOverAfterItsTaskIsReadAndSerializedUntilClosed() throws Exception {
    SpillTestSupport support = support(1 << 20);
    MergerContext context = context(support, 8 * 1024);
    ExternalList<Integer> list = spilledList(context);

    list.keepFileWhileReachable();
    assertEquals(ExternalList.FileState.LIST_OWNS, list.fileState());
    context.files.deleteAll();
    assertEquals(1, support.spillFilesLeft(), "the task's tracker no longer owns the list's file");

    assertAllValues(javaDeserialized(javaSerialized(list)));
    assertAllValues(list);
    assertAllValues(javaDeserialized(javaSerialized(list)));
    assertAllValues(list);

    list.close();
    assertEquals(ExternalList.FileState.DELETED, list.fileState());
    assertEquals(0, support.spillFilesLeft());
    IllegalStateException error = assertThrows(IllegalStateException.class, list::iterator);
    assertTrue(error.getMessage().contains("serialized storage level"), error.getMessage());
    list.close();
  }

  @Test
  void handedOverListsFileGoesWithTheList() throws Exception {
    SpillTestSupport support = support(1 << 20);
    handOverAndForget(context(support, 8 * 1024));
    assertEquals(1, support.spillFilesLeft());
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (support.spillFilesLeft() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertEquals(
        0, support.spillFilesLeft(), "the Cleaner deletes the file of an unreachable list");
  }

  /** A list that outlives its task, no longer referenced once this returns. */
  private static void handOverAndForget(MergerContext context) throws IOException {
    ExternalList<Integer> list = spilledList(context);
    list.keepFileWhileReachable();
    // what the group-by does after handing its lists over: the task keeps no reference
    context.spilledLists.clear();
    assertAllValues(list);
  }

  @Test
  void listReadToItsEndInsideTheTaskIsDeletedAtTheHandOver() throws Exception {
    SpillTestSupport support = support(1 << 20);
    ExternalList<Integer> list = spilledList(context(support, 8 * 1024));
    assertAllValues(list);
    list.keepFileWhileReachable();
    assertEquals(ExternalList.FileState.DELETED, list.fileState());
    assertEquals(0, support.spillFilesLeft());
  }

  @Test
  void inMemoryListStaysReadableAfterClose() throws Exception {
    SpillTestSupport support = support(1 << 20);
    ExternalList<Integer> list = new ExternalList<>(context(support, 64L << 20));
    for (int i = 0; i < VALUES; i++) {
      list.add(i);
    }
    assertEquals(0, list.bytesSpilled());
    list.close();
    assertEquals(ExternalList.FileState.NO_FILE, list.fileState());
    assertAllValues(list);
    assertEquals(
        0,
        support.taskMemoryManager.getMemoryConsumptionForThisTask(),
        "closing the list being filled returns its reservation");
  }

  @Test
  void listBeingFilledReservesItsValuesAndSpillsWhenAnotherConsumerAsks() throws Exception {
    long limit = 8L << 20;
    SpillTestSupport support = support(limit);
    MergerContext context = context(support, 64L << 20);
    ExternalList<Integer> list = new ExternalList<>(context);
    for (int i = 0; i < VALUES; i++) {
      list.add(i);
    }
    long reserved = context.listMemory.reservedBytes();
    // 20,000 Integers: at least their references and headers
    assertTrue(reserved >= VALUES * 16L, "reserved " + reserved);
    assertEquals(0, list.bytesSpilled());

    CompetingConsumer competitor = new CompetingConsumer(support.taskMemoryManager);
    long asked = limit - support.taskMemoryManager.getMemoryConsumptionForThisTask() + reserved / 2;
    long granted = competitor.take(asked);
    competitor.releaseAll();
    assertEquals(asked, granted, "the list gives its memory back when another consumer asks");
    assertTrue(list.bytesSpilled() > 0, "the request spilled the list");
    assertEquals(0, context.listMemory.reservedBytes());

    assertAllValues(list);
    list.close();
  }

  @Test
  void listSpillsWhenTheTaskCannotGrantItsValues() throws Exception {
    SpillTestSupport support = support(256 * 1024);
    MergerContext context = context(support, 64L << 20);
    ExternalList<Integer> list = new ExternalList<>(context);
    for (int i = 0; i < VALUES; i++) {
      list.add(i);
      assertTrue(context.listMemory.reservedBytes() <= 256 * 1024);
    }
    assertTrue(list.bytesSpilled() > 0, "a short grant spills the list");
    assertAllValues(list);
    list.close();
  }
}
