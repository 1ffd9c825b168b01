"""Conan 2 recipe for mailwire (header-only).

    conan create . --build=missing -s compiler.cppstd=20
        # package + run test_package/ (C++20: Conan's detected g++ 12 profile says gnu17)
    conan create . --build=missing -s compiler.cppstd=20 -o "mailwire/*:compiled=True"
        # also the library mailwire::compiled (MAILWIRE_SEPARATE_COMPILATION)
    conan install . --build=missing -s compiler.cppstd=20 -c tools.build:skip_test=False
        # dev: fmt + Catch2 for a local build of mailwire's own tests

The package is produced by the project's own `cmake --install` (the same
install rules the consumer.install / consumer.find_package CTest tests prove);
Conan's CMakeDeps/PkgConfigDeps then generate the consumer-side files.
"""
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


class MailwireConan(ConanFile):
    name = "mailwire"
    description = ("Header-only C++20 POP3/IMAP command and response line "
                   "parser and writer (no I/O)")
    license = "MIT"
    topics = ("pop3", "imap", "email", "parser", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # compiled=True: also the library mailwire::compiled (MAILWIRE_SEPARATE_COMPILATION): the
    # entry points compiled once, so the units that link it compile none of the parsers.
    options = {"compiled": [True, False]}
    default_options = {"compiled": False}
    exports_sources = ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "LICENSE")
    no_copy_source = True

    def set_version(self):
        # Single source of truth: project(mailwire VERSION x.y.z).
        if self.version:
            return
        text = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        match = re.search(r"project\(\s*mailwire\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)",
                          text)
        if not match:
            raise ValueError("cannot find project(mailwire VERSION ...) in CMakeLists.txt")
        self.version = match.group(1)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # mailwire's public headers include fmt's.
        self.requires("fmt/[>=9 <13]", transitive_headers=True)

    def build_requirements(self):
        # Catch2 only for a dev tree that builds mailwire's own tests; packaging builds
        # none, so `conan create` leaves it out unless tools.build:skip_test=False.
        if not self.conf.get("tools.build:skip_test", default=True, check_type=bool):
            self.test_requires("catch2/[>=3 <4]")

    def configure(self):
        if self.options.compiled:
            self.package_type = "static-library"

    def validate(self):
        if self.settings.get_safe("compiler.cppstd"):
            check_min_cppstd(self, 20)

    def generate(self):
        CMakeToolchain(self).generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure(variables={
            "MAILWIRE_BUILD_TESTS": "OFF",
            "MAILWIRE_BUILD_EXAMPLES": "OFF",
            "MAILWIRE_BUILD_BENCHMARKS": "OFF",
            "MAILWIRE_BUILD_FUZZERS": "OFF",
            "MAILWIRE_INSTALL": "ON",
            "MAILWIRE_SEPARATE_COMPILATION": "ON" if self.options.compiled else "OFF",
        })
        if self.options.compiled:
            cmake.build()
        # Header-only: nothing to compile; the install step does the work.

    def package(self):
        copy(self, "LICENSE", src=self.source_folder,
             dst=os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # CMakeDeps and PkgConfigDeps generate the config and .pc files for Conan
        # consumers; share/ held nothing else.
        rmdir(self, os.path.join(self.package_folder, "share"))
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_id(self):
        if not self.info.options.compiled:
            self.info.clear()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "mailwire")
        if not self.options.compiled:
            self.cpp_info.set_property("cmake_target_name", "mailwire::mailwire")
            self.cpp_info.set_property("pkg_config_name", "mailwire")
            self.cpp_info.bindirs = []
            self.cpp_info.libdirs = []
            return
        # The headers as mailwire::mailwire, and the library as mailwire::compiled.
        headers = self.cpp_info.components["headers"]
        headers.set_property("cmake_target_name", "mailwire::mailwire")
        headers.set_property("pkg_config_name", "mailwire")
        headers.requires = ["fmt::fmt"]
        headers.bindirs = []
        headers.libdirs = []
        compiled = self.cpp_info.components["compiled"]
        compiled.set_property("cmake_target_name", "mailwire::compiled")
        compiled.set_property("pkg_config_name", "mailwire-compiled")
        compiled.libs = ["mailwire"]
        compiled.defines = ["MAILWIRE_SEPARATE_COMPILATION"]
        compiled.requires = ["headers"]
        compiled.bindirs = []
