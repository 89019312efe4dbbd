package io.spillway.rdd;

import java.io.Serializable;

import io.spillway.combine.MergerSettings;

/**
 * {@link MergerSettings} in a form that travels with a task: the record is not
 * {@link Serializable}, so its components are copied on the driver and the record is rebuilt
 * (and validated again) inside the task.
 */
final class TaskSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int numSpillPartitions;
  private final int maxTotalPartitions;
  private final int maxOpenFiles;
  private final long hashSeed;
  private final long listSpillThresholdBytes;
  private final int fileBufferBytes;

  TaskSettings(MergerSettings settings) {
    this.numSpillPartitions = settings.numSpillPartitions();
    this.maxTotalPartitions = settings.maxTotalPartitions();
    this.maxOpenFiles = settings.maxOpenFiles();
    this.hashSeed = settings.hashSeed();
    this.listSpillThresholdBytes = settings.listSpillThresholdBytes();
    this.fileBufferBytes = settings.fileBufferBytes();
  }

  MergerSettings toMergerSettings() {
    return new MergerSettings(
        numSpillPartitions, maxTotalPartitions, maxOpenFiles, hashSeed, listSpillThresholdBytes, fileBufferBytes);
  }
}
