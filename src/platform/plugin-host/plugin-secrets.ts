import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../../common/security/secret-box';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';

/**
 * Encrypts secrets a plugin must keep but never show again (webhook signing
 * secrets, a provider's API token): AES-256-GCM with a key derived from
 * APP_SECRET for that plugin alone.
 */
@Injectable()
export class PluginSecrets {
  private readonly boxes = new Map<string, SecretBox>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A `v1.…` string, safe to store in a text column. */
  seal(pluginId: string, plaintext: string): string {
    return this.box(pluginId).seal(plaintext);
  }

  /** Throws when the value was altered, or sealed for another plugin or under another APP_SECRET. */
  open(pluginId: string, sealed: string): string {
    const plain = this.box(pluginId).open(sealed);
    if (plain === null) throw new Error(`A secret of plugin ${pluginId} cannot be decrypted`);
    return plain;
  }

  private box(pluginId: string): SecretBox {
    let box = this.boxes.get(pluginId);
    if (!box) this.boxes.set(pluginId, (box = new SecretBox(this.config.appSecret, `plugin:${pluginId}`)));
    return box;
  }
}
