package dev.cairn.coord.tree;

/**
 * Znode path rules, as ZooKeeper's {@code PathUtils}: absolute, no empty, "." or ".." components,
 * no trailing slash (except where a sequential create appends its suffix), no control or reserved
 * characters.
 */
public final class Paths {
  private Paths() {}

  public static boolean valid(String path, boolean sequential) {
    return valid(sequential ? path + "1" : path);
  }

  public static boolean valid(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    if (path.length() == 1) {
      return true;
    }
    if (path.charAt(path.length() - 1) == '/') {
      return false;
    }
    char last = '/';
    char[] chars = path.toCharArray();
    for (int i = 1; i < chars.length; i++) {
      char c = chars[i];
      if (c == 0) {
        return false;
      } else if (c == '/' && last == '/') {
        return false;
      } else if (c == '.' && last == '.') {
        if (chars[i - 2] == '/' && (i + 1 == chars.length || chars[i + 1] == '/')) {
          return false;
        }
      } else if (c == '.') {
        if (chars[i - 1] == '/' && (i + 1 == chars.length || chars[i + 1] == '/')) {
          return false;
        }
      } else if (c > '\u0000' && c <= '\u001f'
          || c >= '\u007f' && c <= '\u009F'
          || c >= '\ud800' && c <= '\uf8ff'
          || c >= '\ufff0' && c <= '\uffff') {
        return false;
      }
      last = c;
    }
    return true;
  }

  /** "/a/b" → "/a"; "/a" → "/". */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
