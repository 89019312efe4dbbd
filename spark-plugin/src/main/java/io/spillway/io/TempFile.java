package io.spillway.io;

import java.io.File;

/** Something that owns one temporary file on local disk (a spill, a sorted run, a list). */
public interface TempFile {
  File file();
}
