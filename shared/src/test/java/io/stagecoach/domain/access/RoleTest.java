package io.stagecoach.domain.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleTest {

  @Test
  void admin_mayDoWhatDeployersAndViewersMay() {
    Set<Role> admin = Set.of(Role.ADMIN);
    assertTrue(Role.VIEWER.isGrantedBy(admin));
    assertTrue(Role.DEPLOYER.isGrantedBy(admin));
    assertTrue(Role.ADMIN.isGrantedBy(admin));
  }

  @Test
  void viewer_mayNotDeployOrAdminister() {
    Set<Role> viewer = Set.of(Role.VIEWER);
    assertTrue(Role.VIEWER.isGrantedBy(viewer));
    assertFalse(Role.DEPLOYER.isGrantedBy(viewer));
    assertFalse(Role.ADMIN.isGrantedBy(viewer));
    assertFalse(Role.VIEWER.isGrantedBy(Set.of()));
  }
}
