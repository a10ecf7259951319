"""Kivy's environment and window settings, applied before Kivy creates its window."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_prepared = False


def screen_size() -> tuple[int, int] | None:
    """The X screen's size in pixels, asked of Xlib before SDL makes a window (None when unknown)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        xlib = ctypes.CDLL(name)
    except OSError:
        return None
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for fn in (xlib.XDefaultScreen, xlib.XCloseDisplay):
        fn.argtypes = [ctypes.c_void_p]
    for fn in (xlib.XDisplayWidth, xlib.XDisplayHeight):
        fn.argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = xlib.XOpenDisplay(None)
    if not display:
        return None
    try:
        screen = xlib.XDefaultScreen(display)
        return xlib.XDisplayWidth(display, screen), xlib.XDisplayHeight(display, screen)
    finally:
        xlib.XCloseDisplay(display)


def headless() -> bool:
    """No display to draw on: use SDL's offscreen driver (real OpenGL through Mesa)."""
    if os.environ.get("ANDROID_ARGUMENT") or os.environ.get("P4A_BOOTSTRAP"):
        return False  # python-for-android: SDL draws on the tablet's screen, there is no X or Wayland
    return not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")


def prepare(*, fullscreen: bool = False, size: tuple[int, int] = (1280, 800), offscreen: bool | None = None,
            kivy_home: str | os.PathLike | None = None, maxfps: int = 60,
            multisamples: int | None = None) -> None:
    """Set the environment and kivy.config; call once, before anything imports kivy.core.window.

    `multisamples` is the anti-aliasing of the drawn faces and rounded shapes (Kivy's default 2,
    or $KIOSK_MULTISAMPLES): cheap on a GPU, but it triples frame time on software OpenGL.
    """
    global _prepared
    if _prepared:
        return
    if offscreen if offscreen is not None else headless():
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    # Kivy logs through Python's logging and leaves sys.stderr alone (its own mode would
    # swallow tracebacks and print config-upgrade chatter).
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("SDL_VIDEO_ALLOW_SCREENSAVER", "0")  # a kiosk never blanks
    # Images through SDL2_image only: Kivy's default list also loads Pillow (and imageio) at start,
    # about 50 ms of the cold start, for formats the kiosk does not show.
    os.environ.setdefault("KIVY_IMAGE", "tex,dds,sdl2")
    # SDL would turn SIGTERM and SIGINT into a window-close request, which the kiosk refuses;
    # `kiosk run` handles them itself (a clean stop that finishes any write in progress).
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if "KIVY_HOME" not in os.environ:
        # Kivy writes config.ini and logs there; never into the user's home.
        if kivy_home:
            home = Path(kivy_home)
        else:
            home = Path(tempfile.mkdtemp(prefix="skm-kivy-"))
            atexit.register(shutil.rmtree, home, ignore_errors=True)
        home.mkdir(parents=True, exist_ok=True)
        os.environ["KIVY_HOME"] = str(home)

    import logging

    logging.getLogger("kivy").setLevel(logging.ERROR)
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "dock")
    Config.set("kivy", "log_level", "warning")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    Config.set("graphics", "maxfps", str(maxfps))
    if multisamples is None:
        multisamples = int(os.environ.get("KIOSK_MULTISAMPLES", "2"))
    Config.set("graphics", "multisamples", str(multisamples))
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    if fullscreen:
        # A borderless window the size of the screen at 0,0: full screen with or without a
        # window manager (SDL's own full-screen mode leaves an 800x600 window without one).
        width, height = screen_size() or size
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "position", "custom")
        Config.set("graphics", "left", "0")
        Config.set("graphics", "top", "0")
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    _prepared = True
